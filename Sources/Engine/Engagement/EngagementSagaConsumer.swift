import Domain
import EventLog
import Foundation
import Logging
import PostgresNIO

/// The engagement saga: on each `CartIdled` it gathers the cart, the shopper's preferences,
/// the merchant's rules, the engagement so far and the free capacity, lets
/// `EngagementSaga.decide` answer, and appends `EngagementEvaluated` (and `CallOffered`) to
/// `engagement-<cartId>`. Exactly once per cause: the new events' ids derive from the
/// `CartIdled` event's id, so a batch processed again (a crash before the checkpoint, a
/// second process) appends nothing new.
public struct EngagementSagaConsumer: LogConsumer {
    /// The saga's name: its leadership lock's key (as projections' are).
    public static let sagaName = "engagement_saga"
    /// Its checkpoint's name.
    public static let checkpointName = "saga:\(sagaName)"
    public var name: String { Self.sagaName }
    public var consumer: String { Self.checkpointName }

    let store: AggregateStore
    let merchants: MerchantDirectory
    let capacity: any ChannelCapacity
    let clock: any WallClock
    /// Whether calls to the page can be placed; without it no `browser`-mode shopper is
    /// offered a call (the decision records `browserUnavailable`).
    let browserVoiceAvailable: Bool

    public init(store: AggregateStore, merchants: MerchantDirectory, capacity: any ChannelCapacity, clock: any WallClock,
                browserVoiceAvailable: Bool = true) {
        self.browserVoiceAvailable = browserVoiceAvailable
        self.store = store
        self.merchants = merchants
        self.capacity = capacity
        self.clock = clock
    }

    /// Carts answered at once within a batch: each cart's engagement is its own stream, so
    /// their appends are independent and share group commits.
    static let concurrentCarts = 32
    /// A shopper's most recent carts looked at again when they give consent.
    static let cartsReconsidered = 10

    public func apply(_ events: [RecordedEvent], connection: PostgresConnection, logger: Logger) async throws {
        var causes: [(cause: UUID, cartId: UUID, sinceVersion: Int64?)] = []
        for recorded in events where recorded.type == CartIdled.eventType {
            if recorded.stream.hasPrefix("engagement-") {
                guard let cartId = UUID(uuidString: String(recorded.stream.dropFirst(11))),
                      let idled = try? recorded.data.decode(as: CartIdled.self) else { continue }
                causes.append((recorded.id, cartId, idled.idleSinceVersion))
            } else if recorded.stream.hasPrefix("cart-") {
                // Written by versions that marked the cart's own stream; the version check was the append's.
                guard let cartId = UUID(uuidString: String(recorded.stream.dropFirst(5))) else { continue }
                causes.append((recorded.id, cartId, nil))
            }
        }
        // Consent given after a cart went idle: the shopper's idle carts that got no offer are
        // looked at again, once per preferences change (it is the cause), under every rule.
        for recorded in events where recorded.type == PreferencesSet.eventType && recorded.stream.hasPrefix("shopper-") {
            guard let shopperId = UUID(uuidString: String(recorded.stream.dropFirst(8))),
                  let preferences = try? recorded.data.decode(as: PreferencesSet.self), preferences.consent else { continue }
            for cartId in try await CartDirectory(log: store.log).cartIDs(of: shopperId).prefix(Self.cartsReconsidered) {
                let engagement = try await store.load(EngagementAggregate.self, .engagement(cartId)).state
                guard engagement.offersMade == 0, engagement.call == nil, let idleSince = engagement.idledVersions.max() else { continue }
                causes.append((recorded.id, cartId, idleSince))  // only while the cart is still as it was when it idled
            }
        }
        // One cart's causes in order; different carts side by side.
        let byCart = Dictionary(grouping: causes, by: \.cartId).map { $0.value }
        try await forEachConcurrently(byCart, limit: Self.concurrentCarts) { cartCauses in
            for item in cartCauses { try await self.answer(idled: item.cause, cartId: item.cartId, sinceVersion: item.sinceVersion, logger: logger) }
        }
    }

    func answer(idled cause: UUID, cartId: UUID, sinceVersion: Int64?, logger: Logger) async throws {
        let loaded = try await store.load(CartAggregate.self, .cart(cartId))
        guard let cart = loaded.state else { return }
        // A cart the shopper changed since the mark is not idle: the scheduler looks again later.
        if let sinceVersion, loaded.version != sinceVersion { return }
        guard let merchant = try await merchants.merchant(cart.merchantId) else {
            logger.warning("idle cart of an unknown merchant", metadata: ["cart": "\(cartId)", "merchant": "\(cart.merchantId)"])
            return
        }
        let preferences = try await store.load(ShopperAggregate.self, .shopper(cart.shopperId)).state.preferences
        let engagement = try await store.load(EngagementAggregate.self, .engagement(cartId))
        let input = EngagementInput(
            cartId: cartId, cartValue: cart.total, itemCount: cart.itemCount,
            cartIsUnconcluded: cart.status != .completed && !cart.lines.isEmpty, preferences: preferences,
            rules: merchant.profile.engagement, offersMade: engagement.state.offersMade,
            lastDeclinedAt: engagement.state.lastDeclinedAt, freeChannels: await capacity.freeChannels(),
            agentCount: merchant.profile.agents.count, cartInCheckout: cart.status == .checkingOut,
            browserVoiceAvailable: browserVoiceAvailable,
            agentAnswersInConsole: merchant.profile.agents.first?.answersInConsole ?? false, now: clock.now())
        let offerId = EventIDs.uuid(hashing: "offer:\(cause.uuidString)")
        let charge = ChargeTerms.decide(pricing: merchant.profile.pricing, currency: merchant.profile.currency, cartValueMicros: cart.total.amountMicros)
        do {
            var decided: [EngagementEvent] = []
            try await store.execute(EngagementAggregate.self, .engagement(cartId), eventIDs: .derived(from: "engagement:\(cause.uuidString)"),
                                    preloaded: engagement) { state in
                decided = EngagementSaga.decide(idled: cause, input: input, shopperId: cart.shopperId, merchantId: cart.merchantId,
                                                offerId: offerId, state: state, charge: charge)
                return decided
            }
            if !decided.isEmpty {
                let offered = decided.contains { if case .offered = $0 { true } else { false } }
                BusinessMetrics.decision(offered: offered)
                if offered { BusinessMetrics.offer("made") }
            }
        } catch EventLogError.eventIdConflict {
            // Another process answered this cause first (with a state read a moment earlier).
        }
    }
}
