import CartlineTestSupport
import Domain
import Engine
import EventLog
import Foundation
import PostgresNIO
import Testing

@Suite("Carts, merchants, merchant calls and idle due times as read models", .serialized)
struct CartMerchantReadModelTests {
    typealias Flow = EngagementFlowTests

    static let consumers = ["projection:unconcluded_carts", "projection:shopper_carts", "projection:merchant_registry", "projection:merchant_calls"]

    static func profile(idleThresholdSeconds: Int) throws -> MerchantProfile {
        let rules = try EngagementRules(idleThresholdSeconds: idleThresholdSeconds, marginBasisPoints: 2_500, upliftBasisPoints: 2_000,
                                        expectedCallCostMicros: 0, minimumGainMicros: 0, cooldownSeconds: 600, holdoutBasisPoints: 0, offerTTLSeconds: 120)
        return try MerchantProfile(name: "Shop", currency: Flow.eur, catalog: [Flow.grinder], agents: [try SalesAgent(name: "Dana", sipUri: "sip:dana@127.0.0.1:5070")],
                                   engagement: rules, pricing: try CallPricing(payer: .merchant, perMinuteMicros: 0, billingIncrementSeconds: 1, setupFeeMicros: 0))
    }

    static func administration(_ world: Flow.World) -> MerchantAdministration {
        MerchantAdministration(store: world.store, directory: world.merchants, clock: world.clock)
    }

    static func cart(_ world: Flow.World, merchantId: String, shopperId: UUID = UUID(), items: Int = 1) async throws -> UUID {
        let cartId = UUID()
        try await run(world, cartId, .open(cartId: cartId, shopperId: shopperId, merchantId: merchantId, currency: Flow.eur))
        if items > 0 { try await run(world, cartId, .addItem(Flow.grinder, quantity: items)) }
        return cartId
    }

    static func run(_ world: Flow.World, _ cartId: UUID, _ command: CartCommand) async throws {
        try await world.store.execute(CartAggregate.self, .cart(cartId)) { state in try Cart.decide(command, state: state, now: world.clock.now()) }
    }

    enum CallOutcome { case stillLive, failed, ended }

    static func call(_ world: Flow.World, merchantId: String, _ outcome: CallOutcome) async throws {
        let callId = UUID()
        let now = world.clock.now()
        let request = CallRequested(callId: callId, offerId: nil, cartId: UUID(), shopperId: UUID(), merchantId: merchantId, mode: .voip,
                                    destination: "sealed", agentName: "Dana", agentSipUri: "sip:dana@127.0.0.1:5070", at: now)
        var events: [CallEvent] = [.requested(request)]
        switch outcome {
        case .stillLive: break
        case .failed: events.append(.failed(CallFailed(callId: callId, reason: "busy", sipStatus: 486, at: now)))
        case .ended:
            events.append(.ended(CallEnded(callId: callId, cause: "customer-hangup", sipStatus: nil, answeredMilliseconds: 1_000, billableMilliseconds: 900, at: now)))
        }
        for event in events { _ = try await world.log.append(to: .call(callId), [try event.encodedForLog().newEvent(id: UUID())], expected: .any) }
    }

    /// Every row of `table` as JSON text, sorted: two tables are equal row for row when these are.
    static func rows(_ world: Flow.World, _ table: String) async throws -> [String] {
        let result = try await world.log.client.query(PostgresQuery(unsafeSQL: "SELECT row_to_json(t)::text FROM \(table) t"), logger: TestDatabase.logger)
        var rows: [String] = []
        for try await row in result.decode(String.self) { rows.append(row) }
        return rows.sorted()
    }

    static func dueAt(_ world: Flow.World, _ cartId: UUID) async throws -> Date? {
        let result = try await world.log.client.query("SELECT idle_due_at FROM unconcluded_carts WHERE cart_id = \(cartId)", logger: TestDatabase.logger)
        for try await due in result.decode(Date?.self) { return due }
        return nil
    }

    static let tables = ["shopper_carts", "merchant_registry", "merchant_calls", "unconcluded_carts", "merchant_idle_thresholds"]

    @Test func afterAMixedWorkloadEachReadModelEqualsARebuildFromZero() async throws {
        try await Flow.withWorld { world in
            let admin = Self.administration(world)
            try await Flow.run(world) {
                _ = try await admin.register("fast", profile: try Self.profile(idleThresholdSeconds: 10), eventIDs: .random)
                _ = try await admin.register("slow", profile: try Self.profile(idleThresholdSeconds: 300), eventIDs: .random)
                let shopper = UUID()
                var carts: [UUID] = []
                for index in 0..<6 {
                    carts.append(try await Self.cart(world, merchantId: index.isMultiple(of: 2) ? "fast" : "slow", shopperId: index < 3 ? shopper : UUID(),
                                                     items: index == 5 ? 0 : 1 + index % 2))
                    world.clock.advance(seconds: 3)
                }
                try await Self.run(world, carts[1], .removeItem(sku: "grinder"))
                try await Self.run(world, carts[2], .startCheckout)
                try await Self.run(world, carts[2], .completeCheckout(orderRef: "O-1"))
                try await Self.call(world, merchantId: "fast", .stillLive)
                try await Self.call(world, merchantId: "fast", .failed)
                try await Self.call(world, merchantId: "slow", .ended)
                try await waitUntilCaughtUp(world.log, consumers: Self.consumers)
                world.clock.advance(seconds: 30)
                #expect(try await world.scheduler.pass() >= 1)  // fast's waiting carts
                // A threshold change after carts exist, an idle cart touched again, a retirement.
                _ = try await admin.update("slow", profile: try Self.profile(idleThresholdSeconds: 40), condition: .latest, eventIDs: .random)
                _ = try await admin.update("fast", profile: try Self.profile(idleThresholdSeconds: 15), condition: .latest, eventIDs: .random)
                try await Self.run(world, carts[0], .changeQuantity(sku: "grinder", quantity: 3))
                _ = try await admin.retire("fast", eventIDs: .random)
                _ = try await admin.register("later", profile: try Self.profile(idleThresholdSeconds: 5), eventIDs: .random)
                _ = try await Self.cart(world, merchantId: "later", shopperId: shopper)
                try await waitUntilCaughtUp(world.log, consumers: Self.consumers)
            }
            var live: [String: [String]] = [:]
            for table in Self.tables { live[table] = try await Self.rows(world, table) }
            #expect(live["shopper_carts"]?.count == 7 && live["merchant_registry"]?.count == 3 && live["merchant_calls"]?.count == 3)
            #expect(live["merchant_idle_thresholds"]?.count == 2, "a retired merchant keeps no threshold")
            #expect(live["merchant_calls"]?.filter { $0.contains("\"finished\":true") }.count == 2)
            // Every cart of a live merchant has a due time; a retired merchant's carts never fall due.
            let dues = try await world.log.client.query("""
                SELECT count(*) FILTER (WHERE merchant_id <> 'fast' AND idle_due_at IS NULL)::int8,
                       count(*) FILTER (WHERE merchant_id = 'fast' AND idle_due_at IS NOT NULL)::int8,
                       count(*) FILTER (WHERE merchant_id = 'fast')::int8
                FROM unconcluded_carts
                """, logger: TestDatabase.logger)
            for try await (liveUndue, retiredDue, retiredCarts) in dues.decode((Int64, Int64, Int64).self) {
                #expect(liveUndue == 0 && retiredDue == 0 && retiredCarts > 0)
            }

            // Small batches: the batch boundaries differ from the live run's.
            let maintenance = ProjectionMaintenance(log: world.log, logger: TestDatabase.logger)
            for name in ["shopper_carts", "merchant_registry", "merchant_calls", "unconcluded_carts"] {
                try await maintenance.rebuild(name, batchSize: 3)
            }
            for table in Self.tables {
                #expect(try await Self.rows(world, table) == live[table], "\(table) differs from its rebuild")
            }
        }
    }

    @Test func aCartOrMerchantAddedWithNoProjectorRunningIsListedAtOnce() async throws {
        try await Flow.withWorld { world in
            let admin = Self.administration(world)
            let carts = CartDirectory(log: world.log)
            let shopper = UUID()
            _ = try await admin.register("first", profile: try Self.profile(idleThresholdSeconds: 20), eventIDs: .random)
            let older = try await Self.cart(world, merchantId: "first", shopperId: shopper)
            #expect(try await carts.cartIDs(of: shopper) == [older])
            #expect(try await world.merchants.all().map(\.id) == ["first"])
            try await withConsumers(world.log, ProjectionCatalog.live()) { try await waitUntilCaughtUp(world.log, consumers: Self.consumers) }
            // One in the table, one not applied yet: both, newest first.
            let newer = try await Self.cart(world, merchantId: "first", shopperId: shopper)
            _ = try await Self.cart(world, merchantId: "first")  // another shopper's
            #expect(try await carts.cartIDs(of: shopper) == [newer, older])
            for id in ["second", "third"] { _ = try await admin.register(id, profile: try Self.profile(idleThresholdSeconds: 20), eventIDs: .random) }
            #expect(try await world.merchants.all().map(\.id) == ["first", "second", "third"])
            // Paging across the two: after one in the table, and after one not applied yet.
            let firstPage = try await world.merchants.page(after: nil, limit: 1)
            #expect(firstPage.merchants.map(\.id) == ["first"] && firstPage.nextAfter == "first")
            let second = try await world.merchants.page(after: "first", limit: 1)
            #expect(second.merchants.map(\.id) == ["second"] && second.nextAfter == "second")
            let last = try await world.merchants.page(after: "second", limit: 5)
            #expect(last.merchants.map(\.id) == ["third"] && last.nextAfter == nil)
            #expect(try await world.merchants.page(after: "unknown", limit: 5).merchants.count == 3)
        }
    }

    @Test func aMerchantsThresholdChangeMovesTheDueTimesOfItsWaitingCarts() async throws {
        try await Flow.withWorld { world in
            let admin = Self.administration(world)
            try await Flow.run(world) {
                _ = try await admin.register("shop", profile: try Self.profile(idleThresholdSeconds: 20), eventIDs: .random)
                _ = try await admin.register("other", profile: try Self.profile(idleThresholdSeconds: 20), eventIDs: .random)
                let mine = try await Self.cart(world, merchantId: "shop")
                let theirs = try await Self.cart(world, merchantId: "other")
                try await waitUntilCaughtUp(world.log, consumers: Self.consumers)
                #expect(try await Self.dueAt(world, mine) == Flow.noon.addingTimeInterval(20))
                _ = try await admin.update("shop", profile: try Self.profile(idleThresholdSeconds: 90), condition: .latest, eventIDs: .random)
                try await waitUntilCaughtUp(world.log, consumers: Self.consumers)
                #expect(try await Self.dueAt(world, mine) == Flow.noon.addingTimeInterval(90))
                #expect(try await Self.dueAt(world, theirs) == Flow.noon.addingTimeInterval(20), "another merchant's carts keep theirs")
                // Activity moves the due time from the new activity.
                world.clock.advance(seconds: 7)
                try await Self.run(world, mine, .changeQuantity(sku: "grinder", quantity: 2))
                try await waitUntilCaughtUp(world.log, consumers: Self.consumers)
                #expect(try await Self.dueAt(world, mine) == Flow.noon.addingTimeInterval(97))
            }
        }
    }

    @Test func theSchedulerFindsACartExactlyWhenDueAndNotBefore() async throws {
        try await Flow.withWorld { world in
            try await world.register()  // "shop", idle after 20 s
            let cartId = try await world.cart(for: UUID())
            try await withConsumers(world.log, ProjectionCatalog.live()) { try await waitUntilCaughtUp(world.log, consumers: Self.consumers) }
            #expect(try await world.scheduler.nextDue() == Flow.noon.addingTimeInterval(20))
            world.clock.advance(seconds: 19.999)
            #expect(try await world.scheduler.pass() == 0, "not due yet")
            world.clock.advance(seconds: 0.001)
            #expect(try await world.scheduler.pass() == 1, "due now")
            #expect(try await world.engagement(cartId) == ["CartIdled"])
            try await withConsumers(world.log, ProjectionCatalog.live()) { try await waitUntilCaughtUp(world.log, consumers: Self.consumers) }
            #expect(try await world.scheduler.nextDue() == nil, "an idle cart is no longer waiting")
            #expect(try await world.scheduler.pass() == 0)
        }
    }

    @Test func theDomainIndexesAreGoneFromTheLog() async throws {
        try await Flow.withWorld { world in
            let dropped = ["events_merchants", "events_carts_by_shopper", "events_calls_by_merchant", "unconcluded_carts_waiting_by_activity"]
            let found = try await world.log.client.query("SELECT indexname FROM pg_indexes WHERE indexname = ANY(\(dropped))", logger: TestDatabase.logger)
            var names: [String] = []
            for try await name in found.decode(String.self) { names.append(name) }
            #expect(names.isEmpty)
            let byTable = try await world.log.client.query("""
                SELECT tablename, indexdef FROM pg_indexes WHERE tablename IN ('events', 'unconcluded_carts')
                """, logger: TestDatabase.logger)
            var definitions: [(String, String)] = []
            for try await row in byTable.decode((String, String).self) { definitions.append(row) }
            #expect(!definitions.contains { $0.0 == "events" && ($0.1.contains("merchantId") || $0.1.contains("shopperId")) })
            #expect(definitions.contains { $0.0 == "unconcluded_carts" && $0.1.contains("(idle_due_at) WHERE (idled_at IS NULL)") })
            #expect(!definitions.contains { $0.0 == "unconcluded_carts" && $0.1.contains("last_activity_at") })
        }
    }

    @Test func migration0011FillsTheTablesFromAnExistingLogAndTheProjectorsGoOnFromThere() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let migrations = try TestDatabase.projectMigrations()
            try await MigrationRunner(client: db.client, migrations: migrations.filter { $0.version < 11 }, logger: TestDatabase.logger).migrate()
            try await db.withEventLog { log in
                let store = AggregateStore(log: log)
                let merchants = MerchantDirectory(store: store, maxAge: .zero)
                let clock = ManualClock(Flow.noon)
                let world = Flow.World(log: log, store: store, merchants: merchants, clock: clock,
                                       scheduler: IdleScheduler(store: store, merchants: merchants, clock: clock, logger: TestDatabase.logger))
                // A log written before 0011, with no projector running.
                let admin = Self.administration(world)
                _ = try await admin.register("fast", profile: try Self.profile(idleThresholdSeconds: 10), eventIDs: .random)
                _ = try await admin.register("slow", profile: try Self.profile(idleThresholdSeconds: 300), eventIDs: .random)
                _ = try await admin.update("slow", profile: try Self.profile(idleThresholdSeconds: 45), condition: .latest, eventIDs: .random)
                _ = try await admin.register("gone", profile: try Self.profile(idleThresholdSeconds: 10), eventIDs: .random)
                let shopper = UUID()
                _ = try await Self.cart(world, merchantId: "gone")
                _ = try await admin.retire("gone", eventIDs: .random)
                let first = try await Self.cart(world, merchantId: "fast", shopperId: shopper)
                let second = try await Self.cart(world, merchantId: "slow", shopperId: shopper)
                try await Self.call(world, merchantId: "slow", .stillLive)
                try await Self.call(world, merchantId: "slow", .failed)

                try await MigrationRunner(client: db.client, migrations: migrations, logger: TestDatabase.logger).migrate()
                let head = try await log.headPosition()
                for consumer in ["projection:shopper_carts", "projection:merchant_registry", "projection:merchant_calls"] {
                    #expect(try await log.checkpoint(of: consumer)?.globalPosition == head, "\(consumer) goes on from the backfill")
                }
                #expect(try await CartDirectory(log: log).cartIDs(of: shopper) == [second, first])
                #expect(try await merchants.all().map(\.id) == ["fast", "slow", "gone"])
                #expect(try await Self.rows(world, "merchant_calls").filter { $0.contains("\"finished\":true") }.count == 1)
                #expect(try await Self.rows(world, "merchant_idle_thresholds") == [
                    #"{"merchant_id":"fast","idle_threshold_seconds":10,"merchant_version":1}"#,
                    #"{"merchant_id":"slow","idle_threshold_seconds":45,"merchant_version":2}"#,
                ])

                try await withConsumers(log, ProjectionCatalog.live()) { try await waitUntilCaughtUp(log, consumers: Self.consumers) }
                #expect(try await Self.dueAt(world, second) == Flow.noon.addingTimeInterval(45))
                var live: [String: [String]] = [:]
                for table in Self.tables { live[table] = try await Self.rows(world, table) }
                let maintenance = ProjectionMaintenance(log: log, logger: TestDatabase.logger)
                for name in ["shopper_carts", "merchant_registry", "merchant_calls", "unconcluded_carts"] { try await maintenance.rebuild(name) }
                for table in Self.tables {
                    #expect(try await Self.rows(world, table) == live[table], "\(table) differs from its rebuild")
                }
            }
        }
    }
}
