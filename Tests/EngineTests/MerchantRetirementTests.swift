import CartlineTestSupport
import Domain
import Engine
import EventLog
import Foundation
import Testing

@Suite("A retired merchant takes no carts and gets no offers", .serialized)
struct MerchantRetirementTests {
    typealias Flow = EngagementFlowTests

    @Test func aRetiredMerchantsIdleCartsAreNeitherMarkedNorOffered() async throws {
        try await Flow.withWorld { world in
            try await world.register()
            let shopperId = try await world.shopper(consent: true)
            // Marked idle while the merchant is live, with the saga not running yet.
            let markedBefore = try await world.cart(for: shopperId)
            try await withConsumers(world.log, ProjectionCatalog.live()) { try await Self.settleProjection(world) }
            world.clock.advance(seconds: 21)
            #expect(try await world.scheduler.pass() == 1)
            // Opened while live, idle only after the retirement.
            let idleAfter = try await world.cart(for: shopperId)
            let administration = MerchantAdministration(store: world.store, directory: world.merchants, clock: world.clock)
            #expect(try await administration.retire("shop", eventIDs: .random).state.isRetired)
            try await Flow.run(world) {
                // The saga answers the mark made before: no evaluation, no offer.
                try await Flow.settle(world)
                world.clock.advance(seconds: 60)
                #expect(try await world.scheduler.pass() == 0, "a retired merchant's carts are never marked idle")
                try await Flow.settle(world)
            }
            #expect(try await world.engagement(markedBefore) == ["CartIdled"])
            #expect(try await world.engagement(idleAfter).isEmpty)
            #expect(try await world.log.read(stream: .merchant("shop")).map(\.type) == ["MerchantRegistered", "MerchantRetired"])
        }
    }

    @Test func retiringHidesTheMerchantFromEverythingButAdministration() async throws {
        try await Flow.withWorld { world in
            try await world.register()
            let administration = MerchantAdministration(store: world.store, directory: world.merchants, clock: world.clock)
            let first = try await administration.retire("shop", eventIDs: .random)
            let second = try await administration.retire("shop", eventIDs: .random)
            #expect(first.version == 2 && second.version == 2, "retiring twice appends once")
            #expect(try await world.merchants.merchant("shop") == nil)
            #expect(try await world.merchants.versioned("shop").state?.isRetired == true)
            #expect(try await world.merchants.live().isEmpty)
            #expect(try await world.merchants.all().map(\.id) == ["shop"])
            await #expect(throws: DomainError.rejected("merchant shop has retired and takes no new carts; carts opened before stay readable")) {
                _ = try await world.merchants.merchantTakingCarts("shop")
            }
            await #expect(throws: DomainError.notFound("no merchant nobody")) { _ = try await world.merchants.merchantTakingCarts("nobody") }
            await #expect(throws: DomainError.notFound("no such merchant")) { _ = try await administration.retire("nobody", eventIDs: .random) }
            // A cart opened before stays readable.
            let cartId = try await world.cart(for: try await world.shopper(consent: true))
            #expect(try await world.store.load(CartAggregate.self, .cart(cartId)).state?.merchantId == "shop")
        }
    }

    @Test func oldMerchantEventsWithLooserRulesStillReplay() async throws {
        try await Flow.withWorld { world in
            // Written before the ISO table, the catalog and agent rules and `country` existed.
            let old = """
                {"merchantId":"old-shop","at":"2025-01-01T00:00:00Z","profile":{"name":"Old","currency":"XYZ","catalog":[],"agents":[],
                "engagement":{"idleThresholdSeconds":60,"marginBasisPoints":2500,"upliftBasisPoints":1500,"expectedCallCostMicros":0,
                "minimumGainMicros":0,"cooldownSeconds":3600,"holdoutBasisPoints":0,"offerTTLSeconds":120},
                "pricing":{"payer":"merchant","perMinuteMicros":0,"billingIncrementSeconds":1,"setupFeeMicros":0}}}
                """
            _ = try await world.log.append(to: try .merchant("old-shop"), [NewEvent(type: "MerchantRegistered", data: try JSONPayload(validating: old))],
                                           expected: .noStream)
            let merchant = try #require(try await world.merchants.merchant("old-shop"))
            #expect(merchant.profile.currency.code == "XYZ" && merchant.profile.catalog.isEmpty && merchant.profile.country == nil)
            let administration = MerchantAdministration(store: world.store, directory: world.merchants, clock: world.clock)
            #expect(try await administration.retire("old-shop", eventIDs: .random).state.isRetired)
        }
    }

    /// The unconcluded-carts projection has caught up (the saga is not asked to).
    static func settleProjection(_ world: EngagementFlowTests.World) async throws {
        try await waitUntilCaughtUp(world.log, consumers: ["projection:unconcluded_carts"])
    }
}
