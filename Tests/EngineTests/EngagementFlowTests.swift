import CartlineTestSupport
import Domain
import Engine
import EventLog
import Foundation
import PostgresNIO
import Synchronization
import Testing

/// A clock the test moves by hand.
final class ManualClock: WallClock {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    func now() -> Date { current.withLock { $0 } }
    func advance(seconds: Double) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

@Suite("From an idle cart to a call offer", .serialized)
struct EngagementFlowTests {
    static let eur = try! Currency("EUR")
    static let grinder = try! CatalogItem(sku: "grinder", name: "Grinder", unitPrice: Money(amountMicros: 129_500_000, currency: eur))
    /// 12:00 UTC: outside the shoppers' quiet hours.
    static let noon = Date(timeIntervalSince1970: 1_764_072_000)

    struct World: Sendable {
        let log: EventLog
        let store: AggregateStore
        let merchants: MerchantDirectory
        let clock: ManualClock
        let scheduler: IdleScheduler

        func consumers(capacity: Int = 2) -> [any LogConsumer] {
            ProjectionCatalog.live() + [EngagementSagaConsumer(store: store, merchants: merchants, capacity: ConfiguredCapacity(channels: capacity), clock: clock)]
        }

        func register(holdoutBasisPoints: Int = 0) async throws {
            let rules = try EngagementRules(idleThresholdSeconds: 20, marginBasisPoints: 2_500, upliftBasisPoints: 2_000, expectedCallCostMicros: 0,
                                            minimumGainMicros: 0, cooldownSeconds: 600, holdoutBasisPoints: holdoutBasisPoints, offerTTLSeconds: 120)
            let profile = try MerchantProfile(name: "Shop", currency: EngagementFlowTests.eur, catalog: [EngagementFlowTests.grinder], agents: [try SalesAgent(name: "Dana", sipUri: "sip:dana@127.0.0.1:5070")],
                                              engagement: rules, pricing: try CallPricing(payer: .merchant, perMinuteMicros: 0, billingIncrementSeconds: 1, setupFeeMicros: 0))
            _ = try await MerchantAdministration(store: store, directory: merchants, clock: clock).register("shop", profile: profile, eventIDs: .random)
        }

        func shopper(consent: Bool) async throws -> UUID {
            let shopperId = UUID()
            let preferences = try ContactPreferences(mode: .voip, phone: nil, sipUri: "sip:ann@example.net", consent: consent,
                                                     quietHours: try QuietHours(start: "22:00", end: "07:00"), timeZone: "UTC")
            try await store.execute(ShopperAggregate.self, .shopper(shopperId)) { state in
                Shopper.decide(.setPreferences(preferences, sealedPhone: nil), state: state, now: clock.now())
            }
            return shopperId
        }

        func cart(for shopperId: UUID) async throws -> UUID {
            let cartId = UUID()
            try await store.execute(CartAggregate.self, .cart(cartId)) { state in
                try Cart.decide(.open(cartId: cartId, shopperId: shopperId, merchantId: "shop", currency: EngagementFlowTests.eur), state: state, now: clock.now())
            }
            try await store.execute(CartAggregate.self, .cart(cartId)) { state in
                try Cart.decide(.addItem(EngagementFlowTests.grinder, quantity: 1), state: state, now: clock.now())
            }
            return cartId
        }

        func engagement(_ cartId: UUID) async throws -> [String] {
            try await log.read(stream: .engagement(cartId)).map(\.type)
        }

        func decision(_ cartId: UUID) async throws -> EngagementDecision? {
            try await log.read(stream: .engagement(cartId)).first { $0.type == "EngagementEvaluated" }
                .map { try $0.data.decode(as: EngagementEvaluated.self).decision }
        }
    }

    static func withWorld(_ body: @Sendable (World) async throws -> Void) async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let store = AggregateStore(log: log)
                let merchants = MerchantDirectory(store: store, maxAge: .zero)
                let clock = ManualClock(noon)
                let scheduler = IdleScheduler(store: store, merchants: merchants, clock: clock, logger: TestDatabase.logger)
                try await body(World(log: log, store: store, merchants: merchants, clock: clock, scheduler: scheduler))
            }
        }
    }

    static func run<T: Sendable>(_ world: World, capacity: Int = 2, _ body: @Sendable () async throws -> T) async throws -> T {
        try await withConsumers(world.log, world.consumers(capacity: capacity), body)
    }

    /// Waits until the projections and the saga have caught up with the log (bounded).
    static func settle(_ world: World) async throws {
        try await waitUntilCaughtUp(world.log, consumers: ProjectionCatalog.live().map(\.consumer) + ["saga:engagement_saga"])
    }

    @Test func anIdleCartOfAConsentingShopperGetsExactlyOneOffer() async throws {
        try await Self.withWorld { world in
            try await world.register()
            let cartId = try await world.cart(for: try await world.shopper(consent: true))
            try await Self.run(world) {
                try await Self.settle(world)
                #expect(try await world.scheduler.pass() == 0)  // not idle yet
                world.clock.advance(seconds: 21)
                let before = try await world.store.load(CartAggregate.self, .cart(cartId)).version
                #expect(try await world.scheduler.pass() == 1)
                try await Self.settle(world)
                #expect(try await world.engagement(cartId) == ["CartIdled", "EngagementEvaluated", "CallOffered"])
                // Going idle changed nothing the shopper's concurrency check sees: a change
                // conditional on the version the page holds still lands (it was a 412 before).
                #expect(try await world.store.load(CartAggregate.self, .cart(cartId)).version == before)
                try await world.store.execute(CartAggregate.self, .cart(cartId), condition: .ifVersion(before)) { state in
                    try Cart.decide(.changeQuantity(sku: "grinder", quantity: 2), state: state, now: world.clock.now())
                }
                let offer = try #require(try await world.log.read(stream: .engagement(cartId)).last).data.decode(as: CallOffered.self)
                #expect(offer.expiresAt == world.clock.now().addingTimeInterval(120))
                #expect(try await world.scheduler.pass() == 0)  // marked once
                #expect(try await world.scheduler.expireOffers() == 0)  // not yet
                world.clock.advance(seconds: 121)
                #expect(try await world.scheduler.expireOffers() == 1)
                #expect(try await world.scheduler.expireOffers() == 0)
                #expect(try await world.engagement(cartId) == ["CartIdled", "EngagementEvaluated", "CallOffered", "OfferExpired"])
            }
            // The saga's checkpoint is lost (a crash before it committed): it runs again, offers nothing new.
            _ = try await world.log.client.query("DELETE FROM consumer_checkpoints WHERE consumer = 'saga:engagement_saga'", logger: TestDatabase.logger)
            try await Self.run(world) { try await Self.settle(world) }
            #expect(try await world.engagement(cartId) == ["CartIdled", "EngagementEvaluated", "CallOffered", "OfferExpired"])
        }
    }

    @Test func aShoppersChangeBeforeTheSchedulerActsWins() async throws {
        try await Self.withWorld { world in
            try await world.register()
            let cartId = try await world.cart(for: try await world.shopper(consent: true))
            try await Self.run(world) { try await Self.settle(world) }
            // The projection saw version 2; the shopper changes the cart while it is stopped.
            try await world.store.execute(CartAggregate.self, .cart(cartId)) { state in
                try Cart.decide(.changeQuantity(sku: "grinder", quantity: 3), state: state, now: world.clock.now())
            }
            world.clock.advance(seconds: 30)
            #expect(try await world.scheduler.pass() == 0)
            #expect(try await world.log.read(stream: .cart(cartId)).map(\.type) == ["CartOpened", "ItemAdded", "QuantityChanged"])
            // Once the projection has the change, the cart is examined again.
            try await Self.run(world) {
                try await Self.settle(world)
                #expect(try await world.scheduler.pass() == 1)
            }
        }
    }

    @Test func noConsentHoldoutOrNoCapacityMeansNoOfferWithTheReasonRecorded() async throws {
        try await Self.withWorld { world in
            try await world.register(holdoutBasisPoints: 0)
            let refusing = try await world.cart(for: try await world.shopper(consent: false))
            try await Self.run(world, capacity: 2) {
                try await Self.settle(world)
                world.clock.advance(seconds: 21)
                try await world.scheduler.pass()
                try await Self.settle(world)
            }
            #expect(try await world.engagement(refusing) == ["CartIdled", "EngagementEvaluated"])
            #expect(try await world.decision(refusing)?.reasons == [.noConsent])
            let busy = try await world.cart(for: try await world.shopper(consent: true))
            try await Self.run(world, capacity: 0) {
                try await Self.settle(world)
                world.clock.advance(seconds: 21)
                try await world.scheduler.pass()
                try await Self.settle(world)
            }
            #expect(try await world.decision(busy)?.reasons == [.noCapacity])
        }
    }

    @Test func consentGivenAfterTheCartWentIdleLeadsToAnOffer() async throws {
        try await Self.withWorld { world in
            try await world.register(holdoutBasisPoints: 0)
            let shopperId = try await world.shopper(consent: false)
            let cartId = try await world.cart(for: shopperId)
            try await Self.run(world) {
                try await Self.settle(world)
                world.clock.advance(seconds: 21)
                try await world.scheduler.pass()
                try await Self.settle(world)
                #expect(try await world.decision(cartId)?.reasons == [.noConsent])
                // The shopper agrees to be called, the cart untouched: it is looked at again.
                let consenting = try ContactPreferences(mode: .voip, phone: nil, sipUri: "sip:ann@example.net", consent: true,
                                                        quietHours: nil, timeZone: "UTC")
                try await world.store.execute(ShopperAggregate.self, .shopper(shopperId)) { state in
                    Shopper.decide(.setPreferences(consenting, sealedPhone: nil), state: state, now: world.clock.now())
                }
                try await Self.settle(world)
            }
            #expect(try await world.engagement(cartId) == ["CartIdled", "EngagementEvaluated", "EngagementEvaluated", "CallOffered"])
        }
    }

    @Test func aCartRefusedOnlyForQuietHoursIsOfferedWhenTheyEnd() async throws {
        try await Self.withWorld { world in
            try await world.register(holdoutBasisPoints: 0)
            let cartId = try await world.cart(for: try await world.shopper(consent: true))  // quiet 22:00–07:00 UTC
            try await Self.run(world) {
                try await Self.settle(world)
                world.clock.advance(seconds: 11 * 3_600)  // 23:00: within the quiet hours
                try await world.scheduler.pass()
                try await Self.settle(world)
                #expect(try await world.decision(cartId)?.reasons == [.quietHours])
                // Before they end, nothing is looked at again.
                world.clock.advance(seconds: 7 * 3_600)  // 06:00
                #expect(try await world.scheduler.reconsiderAfterQuietHours() == 0)
                world.clock.advance(seconds: 3_600 + 60)  // 07:01
                #expect(try await world.scheduler.reconsiderAfterQuietHours() == 1)
                #expect(try await world.scheduler.reconsiderAfterQuietHours() == 0)  // once
                try await Self.settle(world)
            }
            #expect(try await world.engagement(cartId) == ["CartIdled", "EngagementEvaluated", "CartIdled", "EngagementEvaluated", "CallOffered"])
        }
    }

    @Test func holdoutCartsNeverGetOffers() async throws {
        try await Self.withWorld { world in
            try await world.register(holdoutBasisPoints: 10_000)
            let cartId = try await world.cart(for: try await world.shopper(consent: true))
            try await Self.run(world) {
                try await Self.settle(world)
                world.clock.advance(seconds: 21)
                try await world.scheduler.pass()
                try await Self.settle(world)
            }
            #expect(try await world.engagement(cartId) == ["CartIdled", "EngagementEvaluated"])
            #expect(try await world.decision(cartId)?.reasons == [.holdout])
        }
    }

    @Test func afterADeclineTheCartGetsNoNewOfferDuringTheCooldown() async throws {
        try await Self.withWorld { world in
            try await world.register()
            let shopperId = try await world.shopper(consent: true)
            let cartId = try await world.cart(for: shopperId)
            let offers = OfferService(store: world.store, merchants: world.merchants, capacity: ConfiguredCapacity(channels: 2), clock: world.clock)
            try await Self.run(world) {
                try await Self.settle(world)
                world.clock.advance(seconds: 21)
                try await world.scheduler.pass()
                try await Self.settle(world)
                let offer = try #require(try await offers.openOffers(shopperId: shopperId).first)
                try await offers.decline(offer.offerId, shopperId: shopperId)
                // The shopper comes back, changes the cart, and leaves again.
                try await world.store.execute(CartAggregate.self, .cart(cartId)) { state in
                    try Cart.decide(.changeQuantity(sku: "grinder", quantity: 2), state: state, now: world.clock.now())
                }
                try await Self.settle(world)
                world.clock.advance(seconds: 21)
                #expect(try await world.scheduler.pass() == 1)
                try await Self.settle(world)
            }
            #expect(try await world.engagement(cartId) == ["CartIdled", "EngagementEvaluated", "CallOffered", "OfferDeclined", "CartIdled", "EngagementEvaluated"])
            let last = try #require(try await world.log.read(stream: .engagement(cartId)).last).data.decode(as: EngagementEvaluated.self)
            #expect(last.decision.reasons.contains(.coolingDown))
            #expect(!last.decision.offer)
        }
    }

    @Test func aCallbackPromisedDuringQuietHoursIsPlacedWhenTheyEnd() async throws {
        try await Self.withWorld { world in
            try await world.register()
            // Quiet from 11:00 to 13:00 UTC; the clock says 12:00.
            let shopperId = UUID()
            let contact = try ContactPreferences(mode: .voip, phone: nil, sipUri: "sip:ann@example.net", consent: true,
                                                 quietHours: try QuietHours(start: "11:00", end: "13:00"), timeZone: "UTC")
            try await world.store.execute(ShopperAggregate.self, .shopper(shopperId)) { state in
                Shopper.decide(.setPreferences(contact, sealedPhone: nil), state: state, now: world.clock.now())
            }
            let cartId = try await world.cart(for: shopperId)
            let offers = OfferService(store: world.store, merchants: world.merchants, capacity: ConfiguredCapacity(channels: 2), clock: world.clock)
            let preferences = PreferencesService(store: world.store, vault: PersonalDataVault(log: world.log, sealingKey: SecretKey(), sealingKeyID: "s1"),
                                                 clock: world.clock)
            let cart = try #require(try await world.store.load(CartAggregate.self, .cart(cartId)).state)
            let outcome = try await offers.help(shopperId: shopperId, cartId: cartId, via: "help", preferences: contact, carts: nil, cart: cart)
            guard case .callback(let at, _) = outcome else { Issue.record("expected a callback, got \(outcome)"); return }
            #expect(at == Self.noon.addingTimeInterval(3_600))
            // The scheduler finds callbacks in the engagement_schedule projection.
            let projections = ProjectionCatalog.live()
            try await withConsumers(world.log, projections) {
                try await waitUntilCaughtUp(world.log, consumers: projections.map(\.consumer))
                #expect(try await offers.placeDueCallbacks(preferences: preferences) == 0)  // not yet
                world.clock.advance(seconds: 3_601)
                #expect(try await offers.placeDueCallbacks(preferences: preferences) == 1)
                #expect(try await offers.placeDueCallbacks(preferences: preferences) == 0)  // once
                try await waitUntilCaughtUp(world.log, consumers: projections.map(\.consumer))
                #expect(try await offers.placeDueCallbacks(preferences: preferences) == 0)  // and once projected
            }
            #expect(try await world.engagement(cartId) == ["HelpRequested", "HelpRequested", "CallRequested"])
            let call = try await world.log.read(stream: .engagement(cartId)).last?.data.decode(as: CallRequested.self)
            #expect(call?.destination == "sip:ann@example.net")
            #expect(try await world.log.read(stream: .call(try #require(call?.callId))).count == 1)
        }
    }
}
