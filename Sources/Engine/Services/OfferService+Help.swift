import Domain
import EventLog
import Foundation
import PostgresNIO

/// The generic help action, the click-to-call link and the callbacks they promise.
extension OfferService {
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
        let merchant = try await merchants.merchant(cart.merchantId)
        let agents = merchant?.profile.agents ?? []
        let charge = merchant.map { ChargeTerms.decide(pricing: $0.profile.pricing, currency: $0.profile.currency, cartValueMicros: cart.total.amountMicros) }
        let free = await capacity.freeChannels()
        // The cart's previous call, when it is over, may be followed by a new one ("try again"),
        // whose id derives from the one before, so a retried request asks for the same call.
        let previous = try await store.load(EngagementAggregate.self, .engagement(cart.id)).state.call
        var finishedCall: UUID?
        if let previous, try await store.load(CallAggregate.self, .call(previous.callId)).state.isFinished { finishedCall = previous.callId }
        // A new call the wallet cannot pay for is explained, not placed (a call under way is shown as it is).
        if previous == nil || finishedCall != nil, let shortfall = try await walletShortfall(charge, shopperId: cart.shopperId) {
            return .explain(shortfall)
        }
        let callId = finishedCall.map { EventIDs.uuid(hashing: "call:after:\($0.uuidString)") }
            ?? EventIDs.uuid(hashing: "call:cart:\(cart.id.uuidString)")
        let now = clock.now()
        let sealed = try await sealedDestination(of: preferences, shopperId: cart.shopperId)
        var outcome = EngagementSaga.HelpOutcome.explain("not decided")
        let engagement = try await store.execute(EngagementAggregate.self, .engagement(cart.id)) { state in
            let (decided, events) = EngagementSaga.help(via: via, callId: callId, cart: cart, preferences: preferences, agents: agents,
                                                        freeChannels: free, state: state, now: now, sealedDestination: sealed,
                                                        finishedCall: finishedCall, charge: charge,
                                                        browserVoiceAvailable: browserVoiceAvailable)
            outcome = decided
            return events
        }
        if case .call = outcome, let call = engagement.state.call { try await openCallStream(call); return .call(call) }
        return outcome
    }

    /// The destination the preferences name, sealed under the shopper's key (nil without a
    /// vault or a destination: the decision then explains why no call can be made).
    func sealedDestination(of preferences: ContactPreferences?, shopperId: UUID) async throws -> String? {
        guard let vault, let destination = preferences?.destination else { return nil }
        return try await vault.seal(destination, for: shopperId)
    }

    /// `call-<id>` with its `CallRequested`, once: the event id derives from the call id.
    func openCallStream(_ call: CallRequested) async throws {
        let event = try EngagementEvent.callRequested(call).encodedForLog().newEvent(id: EventIDs.uuid(hashing: "call-stream:\(call.callId.uuidString)"))
        do {
            _ = try await store.log.append(to: .call(call.callId), [event], expected: .noStream)
        } catch EventLogError.wrongExpectedVersion {
            // The call stream exists: an earlier request got this far.
        }
    }
}

extension OfferService {
    /// Places the calls promised by help requests answered "callback" whose time has come
    /// (the cart still unconcluded, the shopper still consenting): the same interpretation
    /// as the help action, now. Returns how many calls were requested.
    @discardableResult
    public func placeDueCallbacks(preferences: PreferencesService, limit: Int = 200) async throws -> Int {
        let now = clock.now()
        let due = try await OfferQueries(log: store.log).cartsWithCallbacksDue(by: now, limit: limit)
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
