import CartlineTestSupport
import Domain
import Engine
import EventLog
import Foundation
import Logging
import PostgresNIO
import Testing

@Suite("The unconcluded_carts projection and its runner", .serialized)
struct ProjectionTests {
    static let eur = try! Currency("EUR")
    static func item(_ sku: String, _ priceMicros: Int64) -> CatalogItem {
        try! CatalogItem(sku: sku, name: "Item \(sku)", unitPrice: Money(amountMicros: priceMicros, currency: eur))
    }

    /// Appends a cart's life through the real decider and store.
    struct Carts: Sendable {
        let store: AggregateStore

        @discardableResult
        func open(_ cartId: UUID = UUID(), items: [(CatalogItem, Int)] = []) async throws -> UUID {
            try await run(cartId, .open(cartId: cartId, shopperId: UUID(), merchantId: "shop", currency: ProjectionTests.eur))
            for (item, quantity) in items { try await run(cartId, .addItem(item, quantity: quantity)) }
            return cartId
        }

        func run(_ cartId: UUID, _ command: CartCommand) async throws {
            try await store.execute(CartAggregate.self, .cart(cartId)) { state in try Cart.decide(command, state: state, now: Date()) }
        }

        /// What the table must hold: every cart's folded state, kept if open with items.
        func expected(_ cartIds: [UUID]) async throws -> [UUID: (value: Int64, count: Int, status: String)] {
            var rows: [UUID: (Int64, Int, String)] = [:]
            for id in cartIds {
                guard let state = try await store.load(CartAggregate.self, .cart(id)).state, !state.lines.isEmpty, state.status != .completed else { continue }
                rows[id] = (state.total.amountMicros, state.itemCount, state.status.rawValue)
            }
            return rows
        }
    }

    static func table(_ client: PostgresClient, _ name: String = "unconcluded_carts") async throws -> [UUID: (value: Int64, count: Int, status: String)] {
        let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT cart_id, value_micros, item_count, status FROM \(name)"), logger: TestDatabase.logger)
        var found: [UUID: (Int64, Int, String)] = [:]
        for try await (id, value, count, status) in rows.decode((UUID, Int64, Int, String).self) { found[id] = (value, count, status) }
        return found
    }

    static func same(_ a: [UUID: (value: Int64, count: Int, status: String)], _ b: [UUID: (value: Int64, count: Int, status: String)]) -> Bool {
        a.count == b.count && a.allSatisfy { key, row in b[key].map { $0 == row } ?? false }
    }

    static func waitCaughtUp(_ log: EventLog) async throws {
        try await waitUntilCaughtUp(log, consumers: ["projection:unconcluded_carts"])
    }

    static func withRunner<T: Sendable>(_ log: EventLog, _ body: @Sendable () async throws -> T) async throws -> T {
        try await withConsumers(log, ProjectionCatalog.live(), body)
    }

    @Test func openCartsWithItemsAreListedWithTheirValueAndConcludedOrEmptiedOnesLeave() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let carts = Carts(store: AggregateStore(log: log))
                let grinder = Self.item("grinder", 129_500_000), beans = Self.item("beans", 24_900_000)
                try await Self.withRunner(log) {
                    let full = try await carts.open(items: [(grinder, 1), (beans, 2)])
                    let empty = try await carts.open()
                    let emptied = try await carts.open(items: [(beans, 1)])
                    try await carts.run(emptied, .removeItem(sku: "beans"))
                    let bought = try await carts.open(items: [(grinder, 1)])
                    try await carts.run(bought, .startCheckout)
                    try await carts.run(bought, .completeCheckout(orderRef: "O-1"))
                    let checkingOut = try await carts.open(items: [(beans, 3)])
                    try await carts.run(checkingOut, .startCheckout)
                    let refilled = try await carts.open(items: [(beans, 1)])
                    try await carts.run(refilled, .removeItem(sku: "beans"))
                    try await Self.waitCaughtUp(log)
                    try await carts.run(refilled, .addItem(grinder, quantity: 2))  // re-enters from its stream
                    try await carts.run(full, .changeQuantity(sku: "beans", quantity: 5))
                    try await Self.waitCaughtUp(log)
                    let table = try await Self.table(db.client)
                    #expect(Set(table.keys) == [full, checkingOut, refilled])
                    #expect(table[full]?.value == Int64(129_500_000 + 5 * 24_900_000))
                    #expect(table[full]?.count == 6)
                    #expect(table[checkingOut]?.status == "checkingOut")
                    #expect(table[refilled]?.value == 259_000_000)
                    #expect(table[empty] == nil && table[emptied] == nil && table[bought] == nil)
                }
            }
        }
    }

    @Test func aRestartedRunnerResumesFromItsCheckpointWithoutCountingTwice() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let carts = Carts(store: AggregateStore(log: log))
                let beans = Self.item("beans", 1_000_000)
                var ids = try await Self.withRunner(log) {
                    var ids: [UUID] = []
                    for _ in 0..<20 { ids.append(try await carts.open(items: [(beans, 1)])) }
                    try await Self.waitCaughtUp(log)
                    return ids
                }
                // Stopped: the log moves on without it.
                for id in ids { try await carts.run(id, .addItem(beans, quantity: 1)) }
                for _ in 0..<10 { ids.append(try await carts.open(items: [(beans, 2)])) }
                try await Self.withRunner(log) { try await Self.waitCaughtUp(log) }
                let table = try await Self.table(db.client)
                let expected = try await carts.expected(ids)
                #expect(Self.same(table, expected))
                #expect(table.values.allSatisfy { $0.count == 2 })
            }
        }
    }

    @Test func aRebuildWhileTheLeaderRunsGivesTheSameTableAndTheLeaderCarriesOn() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let carts = Carts(store: AggregateStore(log: log))
                let beans = Self.item("beans", 1_000_000), grinder = Self.item("grinder", 50_000_000)
                try await Self.withRunner(log) {
                    var ids: [UUID] = []
                    for index in 0..<50 { ids.append(try await carts.open(items: index % 3 == 0 ? [(grinder, 1)] : [(beans, index % 5 + 1)])) }
                    for id in ids.prefix(10) { try await carts.run(id, .removeItem(sku: ids.firstIndex(of: id)! % 3 == 0 ? "grinder" : "beans")) }
                    try await Self.waitCaughtUp(log)
                    let live = try await Self.table(db.client)
                    let position = try await ProjectionMaintenance(log: log, logger: TestDatabase.logger).rebuild("unconcluded_carts", batchSize: 7)
                    #expect(position.globalPosition > 0)
                    #expect(Self.same(try await Self.table(db.client), live))
                    // The leader projects into the swapped-in table.
                    let late = try await carts.open(items: [(grinder, 2)])
                    try await Self.waitCaughtUp(log)
                    #expect(try await Self.table(db.client)[late]?.value == 100_000_000)
                    #expect(Self.same(try await Self.table(db.client), try await carts.expected(ids + [late])))
                }
            }
        }
    }

    @Test func exactlyOneOfTwoProcessesLeadsAndTheOtherTakesOverWhenItStops() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                try await db.withSecondClient { other in
                    let otherLog = EventLog(client: other, logger: TestDatabase.logger)
                    let carts = Carts(store: AggregateStore(log: log))
                    let beans = Self.item("beans", 1_000_000)
                    let maintenance = ProjectionMaintenance(log: log, logger: TestDatabase.logger)
                    let follower = ProjectorRunner(log: otherLog, projections: ProjectionCatalog.live(), logger: TestDatabase.logger)
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { try await otherLog.run() }
                        // The follower starts after the first runner has taken the lock.
                        group.addTask { try await Task.sleep(for: .milliseconds(300)); try await follower.run() }
                        try await Self.withRunner(log) {
                            try await Task.sleep(for: .milliseconds(600))
                            _ = try await carts.open(items: [(beans, 1)])
                            try await Self.waitCaughtUp(log)
                            let leaders = try await db.client.query(
                                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND classid = 1886547818::int4::oid",
                                logger: TestDatabase.logger)
                            // One lock per projection, all held by the one leader.
                            for try await count in leaders.decode(Int64.self) { #expect(count == Int64(ProjectionCatalog.all.count)) }
                            let statuses = try await maintenance.status()
                            #expect(statuses.first?.hasLeader == true)
                            // Sagas are listed too (none runs here: no checkpoint, no leader, no rows).
                            let saga = try #require(statuses.first { $0.name == "engagement_saga" })
                            #expect(saga.kind == .saga && saga.rows == nil && !saga.hasLeader && saga.checkpoint == nil)
                            #expect(statuses.filter { $0.kind == .projection }.count == ProjectionCatalog.all.count)
                        }
                        // The first runner is gone (its lock released): the follower takes over.
                        let late = try await carts.open(items: [(beans, 4)])
                        try await Self.waitCaughtUp(log)
                        #expect(try await Self.table(db.client)[late]?.count == 4)
                        #expect(try await Self.table(db.client).count == 2)
                        group.cancelAll()
                    }
                }
            }
        }
    }

    @Test func whenTheLeadersDatabaseSessionDiesTheProjectionCarriesOn() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let carts = Carts(store: AggregateStore(log: log))
                let beans = Self.item("beans", 1_000_000)
                try await Self.withRunner(log) {
                    _ = try await carts.open(items: [(beans, 1)])
                    try await Self.waitCaughtUp(log)
                    // As if the leading process were killed: its lock session ends.
                    let killed = try await db.client.query("""
                        SELECT count(pg_terminate_backend(pid)) FROM pg_locks
                        WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND classid = 1886547818::int4::oid
                        """, logger: TestDatabase.logger)
                    // The leader's session holds every projection's lock; one backend goes.
                    for try await count in killed.decode(Int64.self) { #expect(count == Int64(ProjectionCatalog.all.count)) }
                    let late = try await carts.open(items: [(beans, 3)])
                    try await Self.waitCaughtUp(log)
                    #expect(try await Self.table(db.client)[late]?.count == 3)
                    // The heartbeat notices the lost lock within seconds and the lock is taken again.
                    let maintenance = ProjectionMaintenance(log: log, logger: TestDatabase.logger)
                    let deadline = ContinuousClock.now + .seconds(15)
                    var leading = false
                    while !leading, ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(200))
                        leading = try await maintenance.status().first?.hasLeader == true
                    }
                    #expect(leading)
                }
            }
        }
    }
}
