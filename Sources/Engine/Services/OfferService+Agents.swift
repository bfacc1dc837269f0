import Domain
import EventLog
import Foundation

extension OfferService {
    /// Largest page the console may ask for.
    public static let maxAgentPageSize = 50

    /// One page (1-based) of the merchant's calls matching `filter`, newest first, each
    /// folded from its stream with the cart as it is now, the agents' work on it and the
    /// shopper's time zone.
    public func agentCalls(merchantId: String, filter: AgentCallFilter, page: Int, pageSize: Int) async throws -> AgentCallPage {
        let queries = AgentCallQueries(log: store.log)
        let size = min(max(1, pageSize), Self.maxAgentPageSize)
        let offset = (max(1, page) - 1) * size
        let calls: [CallRequested]
        let total: Int
        switch filter {
        case .all:
            calls = try await queries.requestedCalls(merchantId: merchantId, offset: offset, limit: size)
            total = try await queries.countCalls(merchantId: merchantId)
        case .live, .recent:
            let cutoff = clock.now().addingTimeInterval(-AgentCallFilter.recentWindow)
            var window = try await queries.requestedCalls(merchantId: merchantId, since: cutoff, offset: 0, limit: AgentCallQueries.maxScannedCalls)
                .filter { $0.at >= cutoff }
            if filter == .live {
                let finished = try await queries.finishedCalls(window.map(\.callId))
                window.removeAll { finished.contains($0.callId) }
            }
            total = window.count
            calls = Array(window.dropFirst(offset).prefix(size))
        }
        var entries: [AgentCallPage.Entry] = []
        for call in calls {
            let state = try await store.load(CallAggregate.self, .call(call.callId)).state
            let cart = try await store.load(CartAggregate.self, .cart(call.cartId))
            let work = try await store.load(CallWorkAggregate.self, try .callWork(call.callId)).state
            let shopper = try await store.load(ShopperAggregate.self, .shopper(call.shopperId)).state
            entries.append(AgentCallPage.Entry(call: call, state: state, cart: cart.state.map { Versioned(state: $0, version: cart.version) },
                                               work: work, shopperTimeZone: shopper.preferences?.timeZone))
        }
        return AgentCallPage(entries: entries, total: total)
    }

    /// The agent takes the call on; another agent's claim stands (409 naming them).
    public func claim(callId: UUID, merchantId: String, agentName: String) async throws -> CallWorkState {
        try await requireCall(callId, of: merchantId)
        let now = clock.now()
        return try await store.execute(CallWorkAggregate.self, try .callWork(callId)) { state in
            try CallWork.decide(.claim(callId: callId, merchantId: merchantId, agentName: agentName), state: state, now: now)
        }.state
    }

    /// Records how the call went (claiming it first if nobody has).
    public func recordOutcome(callId: UUID, merchantId: String, agentName: String, outcome: CallOutcome, note: String?) async throws -> CallWorkState {
        try await requireCall(callId, of: merchantId)
        let now = clock.now()
        return try await store.execute(CallWorkAggregate.self, try .callWork(callId)) { state in
            try CallWork.decide(.recordOutcome(callId: callId, merchantId: merchantId, agentName: agentName, outcome: outcome, note: note),
                                state: state, now: now)
        }.state
    }

    /// Another merchant's call is "no such call", like a missing one.
    private func requireCall(_ callId: UUID, of merchantId: String) async throws {
        let state = try await store.load(CallAggregate.self, .call(callId)).state
        guard state.request?.merchantId == merchantId else { throw DomainError.notFound("no such call") }
    }
}
