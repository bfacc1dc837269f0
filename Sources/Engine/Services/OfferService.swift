import Domain
import EventLog
import Foundation
import PostgresNIO

/// The shopper's answers to call offers, and the calls they request. Accepting appends
/// `OfferAccepted` and `CallRequested` to the engagement stream, then `CallRequested` to a
/// new `call-<id>` stream; every id derives from the offer, so a retried accept (or one
/// cut short by a crash between the two appends) completes without a second call.
public struct OfferService: Sendable {
    let store: AggregateStore
    let merchants: MerchantDirectory
    let capacity: any ChannelCapacity
    let clock: any WallClock

    public init(store: AggregateStore, merchants: MerchantDirectory, capacity: any ChannelCapacity, clock: any WallClock) {
        self.store = store
        self.merchants = merchants
        self.capacity = capacity
        self.clock = clock
    }

    /// The offer, if it exists and belongs to the shopper (another shopper's is "no such offer").
    public func offer(_ offerId: UUID, shopperId: UUID) async throws -> CallOffered {
        let log = store.log
        let client = log.client
        let logger = log.logger
        let found: CallOffered? = try await log.run("find offer") {
            let rows = try await client.query("""
                SELECT data::text FROM events WHERE event_type = 'CallOffered' AND data->>'offerId' = \(offerId.uuidString) LIMIT 1
                """, logger: logger)
            for try await text in rows.decode(String.self) { return try? JSONPayload(validating: text).decode(as: CallOffered.self) }
            return nil
        }
        guard let found, found.shopperId == shopperId else { throw DomainError.notFound("no such offer") }
        return found
    }

    public func accept(_ offerId: UUID, shopperId: UUID, preferences: ContactPreferences?) async throws -> CallRequested {
        let offer = try await offer(offerId, shopperId: shopperId)
        let cart = try await store.load(CartAggregate.self, .cart(offer.cartId))
        guard let cartState = cart.state else { throw DomainError.notFound("no such cart") }
        let agents = try await merchants.merchant(offer.merchantId)?.profile.agents ?? []
        let callId = EventIDs.uuid(hashing: "call:\(offerId.uuidString)")
        let now = clock.now()
        let engagement = try await store.execute(EngagementAggregate.self, .engagement(offer.cartId),
                                                 eventIDs: .derived(from: "accept:\(offerId.uuidString)")) { state in
            try EngagementSaga.accept(offerId: offerId, callId: callId, cart: cartState, preferences: preferences,
                                      agents: agents, state: state, now: now)
        }
        guard let call = engagement.state.call, call.callId == callId else { throw DomainError.rejected("the offer was not accepted") }
        try await openCallStream(call)
        return call
    }

    /// The generic help action (`via` "help") or the click-to-call link ("click-to-call"):
    /// for `cartId`, or the shopper's most recent cart with items.
    public func help(shopperId: UUID, cartId: UUID?, via: String, preferences: ContactPreferences?,
                     carts: CartService?, cart known: CartState? = nil) async throws -> EngagementSaga.HelpOutcome {
        let cart: CartState
        if let known {
            cart = known
        } else if let cartId, let carts {
            cart = try await carts.cart(cartId, shopperId: shopperId).state
        } else if let carts {
            let candidates = try await carts.carts(of: shopperId).map(\.state)
            guard let found = candidates.first(where: { $0.status != .completed && !$0.lines.isEmpty }) else {
                return .explain("your cart is empty: add something you would like to talk about")
            }
            cart = found
        } else {
            return .explain("no cart")
        }
        let agents = try await merchants.merchant(cart.merchantId)?.profile.agents ?? []
        let free = await capacity.freeChannels()
        let callId = EventIDs.uuid(hashing: "call:cart:\(cart.id.uuidString)")
        let now = clock.now()
        var outcome = EngagementSaga.HelpOutcome.explain("not decided")
        let engagement = try await store.execute(EngagementAggregate.self, .engagement(cart.id)) { state in
            let (decided, events) = EngagementSaga.help(via: via, callId: callId, cart: cart, preferences: preferences, agents: agents,
                                                        freeChannels: free, state: state, now: now)
            outcome = decided
            return events
        }
        if case .call = outcome, let call = engagement.state.call { try await openCallStream(call); return .call(call) }
        return outcome
    }

    /// `call-<id>` with its `CallRequested`, once: the event id derives from the call id.
    private func openCallStream(_ call: CallRequested) async throws {
        let event = try EngagementEvent.callRequested(call).encodedForLog().newEvent(id: EventIDs.uuid(hashing: "call-stream:\(call.callId.uuidString)"))
        do {
            _ = try await store.log.append(to: .call(call.callId), [event], expected: .noStream)
        } catch EventLogError.wrongExpectedVersion {
            // The call stream exists: an earlier request got this far.
        }
    }

    public func decline(_ offerId: UUID, shopperId: UUID) async throws {
        let offer = try await offer(offerId, shopperId: shopperId)
        let now = clock.now()
        try await store.execute(EngagementAggregate.self, .engagement(offer.cartId), eventIDs: .derived(from: "decline:\(offerId.uuidString)")) { state in
            try EngagementSaga.decline(offerId: offerId, state: state, now: now)
        }
    }

    /// The shopper's offers still open (not answered, not expired), newest first.
    public func openOffers(shopperId: UUID) async throws -> [CallOffered] {
        let log = store.log
        let client = log.client
        let logger = log.logger
        let offers: [CallOffered] = try await log.run("list offers") {
            let rows = try await client.query("""
                SELECT data::text FROM events WHERE event_type = 'CallOffered' AND data->>'shopperId' = \(shopperId.uuidString)
                ORDER BY global_position DESC LIMIT 20
                """, logger: logger)
            var offers: [CallOffered] = []
            for try await text in rows.decode(String.self) {
                if let offer = try? JSONPayload(validating: text).decode(as: CallOffered.self) { offers.append(offer) }
            }
            return offers
        }
        let now = clock.now()
        var open: [CallOffered] = []
        for offer in offers where offer.expiresAt > now {
            let state = try await store.load(EngagementAggregate.self, .engagement(offer.cartId)).state
            if state.openOffer?.offerId == offer.offerId { open.append(offer) }
        }
        return open
    }

    /// A call the shopper requested (another shopper's is "no such call").
    public func call(_ callId: UUID, shopperId: UUID) async throws -> CallRequested {
        let events = try await store.log.read(stream: .call(callId), limit: 100)
        guard let first = events.first, case .callRequested(let call) = try EngagementEvent(recorded: first), call.shopperId == shopperId else {
            throw DomainError.notFound("no such call")
        }
        return call
    }
}

extension OfferService {
    /// A merchant's calls, newest first (bounded), with each shopper's cart as it is now.
    public func calls(ofMerchant merchantId: String, limit: Int = 100) async throws -> [(call: CallRequested, cart: Versioned<CartState>?)] {
        let log = store.log
        let client = log.client
        let logger = log.logger
        let calls: [CallRequested] = try await log.run("list merchant calls") {
            let rows = try await client.query("""
                SELECT data::text FROM events
                WHERE event_type = 'CallRequested' AND stream_id LIKE 'call-%' AND data->>'merchantId' = \(merchantId)
                ORDER BY global_position DESC LIMIT \(limit)
                """, logger: logger)
            var calls: [CallRequested] = []
            for try await text in rows.decode(String.self) {
                if let call = try? JSONPayload(validating: text).decode(as: CallRequested.self) { calls.append(call) }
            }
            return calls
        }
        var result: [(CallRequested, Versioned<CartState>?)] = []
        for call in calls {
            let cart = try await store.load(CartAggregate.self, .cart(call.cartId))
            result.append((call, cart.state.map { Versioned(state: $0, version: cart.version) }))
        }
        return result
    }
}

extension OfferService {
    /// Places the calls promised by help requests answered "callback" whose time has come
    /// (the cart still unconcluded, the shopper still consenting): the same interpretation
    /// as the help action, now. Returns how many calls were requested.
    @discardableResult
    public func placeDueCallbacks(preferences: PreferencesService, limit: Int = 200) async throws -> Int {
        let log = store.log
        let client = log.client
        let logger = log.logger
        let now = clock.now()
        let cutoff = now.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        let due: [UUID] = try await log.run("find due callbacks") {
            let rows = try await client.query("""
                SELECT DISTINCT stream_id FROM events
                WHERE event_type = 'HelpRequested' AND data->>'action' = 'callback' AND data->>'callbackAt' <= \(cutoff)
                LIMIT \(limit)
                """, logger: logger)
            var carts: [UUID] = []
            for try await stream in rows.decode(String.self) {
                if let id = UUID(uuidString: String(stream.dropFirst("engagement-".count))) { carts.append(id) }
            }
            return carts
        }
        var placed = 0
        for cartId in due {
            let engagement = try await store.load(EngagementAggregate.self, .engagement(cartId))
            guard engagement.state.call == nil, let cart = try await store.load(CartAggregate.self, .cart(cartId)).state else { continue }
            // Only callbacks whose time has come and that no later help request answered.
            guard let callbackAt = engagement.state.pendingCallbackAt, callbackAt <= now else { continue }
            let contact = try await preferences.current(shopperId: cart.shopperId)
            let outcome = try await help(shopperId: cart.shopperId, cartId: cartId, via: "callback", preferences: contact, carts: nil, cart: cart)
            if case .call = outcome { placed += 1 }
        }
        return placed
    }
}
