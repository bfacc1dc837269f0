import Domain
import EventLog
import Foundation

/// Registering, changing and retiring merchants: `Merchant` decisions on `merchant-<id>`
/// streams. The profile's rules (a catalog, an agent, ISO codes) are checked when the
/// profile is made, before it gets here; retiring is idempotent.
public struct MerchantAdministration: Sendable {
    let store: AggregateStore
    let directory: MerchantDirectory
    let clock: any WallClock

    public init(store: AggregateStore, directory: MerchantDirectory, clock: any WallClock) {
        self.store = store
        self.directory = directory
        self.clock = clock
    }

    public func register(_ merchantId: String, profile: MerchantProfile, eventIDs: EventIDs) async throws -> Versioned<MerchantState> {
        try Merchant.validateID(merchantId)
        let now = clock.now()
        let result = try await store.execute(MerchantAggregate.self, try .merchant(merchantId), eventIDs: eventIDs) { state in
            try Merchant.decide(.register(merchantId: merchantId, profile), state: state, now: now)
        }
        await directory.invalidate(merchantId)
        return try present(result)
    }

    public func update(_ merchantId: String, profile: MerchantProfile, condition: WriteCondition, eventIDs: EventIDs) async throws -> Versioned<MerchantState> {
        try Merchant.validateID(merchantId)
        let now = clock.now()
        let result = try await store.execute(MerchantAggregate.self, try .merchant(merchantId), condition: condition, eventIDs: eventIDs) { state in
            try Merchant.decide(.update(profile), state: state, now: now)
        }
        await directory.invalidate(merchantId)
        return try present(result)
    }

    /// Retires the merchant: no new carts, no new offers; a second retire appends nothing.
    public func retire(_ merchantId: String, eventIDs: EventIDs) async throws -> Versioned<MerchantState> {
        try Merchant.validateID(merchantId)
        let now = clock.now()
        let result = try await store.execute(MerchantAggregate.self, try .merchant(merchantId), eventIDs: eventIDs) { state in
            try Merchant.decide(.retire, state: state, now: now)
        }
        await directory.invalidate(merchantId)
        return try present(result)
    }

    private func present(_ result: Versioned<MerchantState?>) throws -> Versioned<MerchantState> {
        guard let state = result.state else { throw DomainError.notFound("no such merchant") }
        return Versioned(state: state, version: result.version)
    }
}
