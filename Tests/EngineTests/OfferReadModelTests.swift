import CartlineTestSupport
import Domain
@testable import Engine
import EventLog
import Foundation
import PostgresNIO
import Testing

@Suite("The offers and engagement_schedule read models", .serialized)
struct OfferReadModelTests {
    /// 12:00 UTC on a fixed day: the workload's times are relative to it.
    static let noon = Date(timeIntervalSince1970: 1_764_072_000)
    static let projections = [OffersProjection.kind.live, EngagementScheduleProjection.kind.live]
    static let consumers = projections.map(\.consumer)

    /// Appends engagement events as the saga and the services write them.
    struct Workload: Sendable {
        let log: EventLog
        static let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

        func append(_ cartId: UUID, _ type: String, _ fields: [String: Any]) async throws {
            let json = String(decoding: try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]), as: UTF8.self)
            _ = try await log.append(to: .engagement(cartId), [NewEvent(type: type, data: try JSONPayload(validating: json))], expected: .any)
        }

        @discardableResult
        func offer(cart cartId: UUID, shopper shopperId: UUID, expiresAt: Date, at: Date = noon) async throws -> UUID {
            let offerId = UUID()
            try await append(cartId, CallOffered.eventType, [
                "offerId": offerId.uuidString, "cartId": cartId.uuidString, "shopperId": shopperId.uuidString, "merchantId": "shop",
                "cause": UUID().uuidString, "expiresAt": expiresAt.formatted(Self.format), "at": at.formatted(Self.format),
            ])
            return offerId
        }

        func accept(cart cartId: UUID, offer offerId: UUID, at: Date) async throws {
            try await append(cartId, OfferAccepted.eventType, [
                "offerId": offerId.uuidString, "mode": "voip", "callId": UUID().uuidString, "at": at.formatted(Self.format),
            ])
        }

        func help(cart cartId: UUID, action: String, callbackAt: Date? = nil) async throws {
            var fields: [String: Any] = ["action": action, "via": "help", "at": noon.formatted(Self.format)]
            if let callbackAt { fields["callbackAt"] = callbackAt.formatted(Self.format) }
            try await append(cartId, HelpRequested.eventType, fields)
        }

        func evaluate(cart cartId: UUID, reconsiderAt: Date?) async throws {
            var fields: [String: Any] = [
                "cartId": cartId.uuidString, "cause": UUID().uuidString, "at": noon.formatted(Self.format),
                "decision": ["offer": false, "reasons": [reconsiderAt == nil ? "holdout" : "quietHours"], "expectedGainMicros": 0] as [String: Any],
            ]
            if let reconsiderAt { fields["reconsiderAt"] = reconsiderAt.formatted(Self.format) }
            try await append(cartId, EngagementEvaluated.eventType, fields)
        }

        func callRequested(cart cartId: UUID, shopper shopperId: UUID) async throws {
            try await append(cartId, CallRequested.eventType, [
                "callId": UUID().uuidString, "cartId": cartId.uuidString, "shopperId": shopperId.uuidString, "merchantId": "shop",
                "mode": "voip", "destination": "sip:ann@example.net", "agentName": "Dana", "agentSipUri": "sip:dana@127.0.0.1:5070",
                "at": noon.formatted(Self.format),
            ])
        }
    }

    /// A table's rows as JSON text, in key order: what "row for row" compares.
    static func rows(_ client: PostgresClient, _ table: String, key: String) async throws -> [String] {
        let result = try await client.query(PostgresQuery(unsafeSQL: "SELECT row_to_json(t)::text FROM \(table) t ORDER BY \(key)"), logger: TestDatabase.logger)
        var rows: [String] = []
        for try await row in result.decode(String.self) { rows.append(row) }
        return rows
    }

    static func schedule(_ client: PostgresClient) async throws -> [UUID: (callbackAt: Date?, reconsiderAt: Date?)] {
        let result = try await client.query("SELECT cart_id, callback_at, reconsider_at FROM engagement_schedule", logger: TestDatabase.logger)
        var found: [UUID: (Date?, Date?)] = [:]
        for try await (cartId, callbackAt, reconsiderAt) in result.decode((UUID, Date?, Date?).self) { found[cartId] = (callbackAt, reconsiderAt) }
        return found
    }

    @Test func afterAMixedWorkloadEachTableEqualsARebuildFromZero() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let work = Workload(log: log)
                let shoppers = [UUID(), UUID(), UUID()]
                let (callback, superseded, called, quiet, requiet, both) = (UUID(), UUID(), UUID(), UUID(), UUID(), UUID())
                let (callbackAt, reconsiderAt) = (Self.noon.addingTimeInterval(3_600), Self.noon.addingTimeInterval(7_200))
                try await withConsumers(log, Self.projections) {
                    var accepted: Set<UUID> = []
                    for index in 0..<30 {
                        let cartId = UUID()
                        let offerId = try await work.offer(cart: cartId, shopper: shoppers[index % 3], expiresAt: Self.noon.addingTimeInterval(Double(60 + index)))
                        if index % 4 == 0 {
                            try await work.accept(cart: cartId, offer: offerId, at: Self.noon.addingTimeInterval(30))
                            accepted.insert(offerId)
                        }
                    }
                    try await work.help(cart: callback, action: "callback", callbackAt: callbackAt)
                    try await work.help(cart: superseded, action: "callback", callbackAt: callbackAt)
                    try await work.help(cart: superseded, action: "explain")  // a later answer replaces the promise
                    try await work.help(cart: called, action: "callback", callbackAt: callbackAt)
                    try await work.callRequested(cart: called, shopper: shoppers[0])  // the callback was placed
                    try await work.evaluate(cart: quiet, reconsiderAt: reconsiderAt)
                    try await work.evaluate(cart: requiet, reconsiderAt: reconsiderAt)
                    try await work.evaluate(cart: requiet, reconsiderAt: nil)  // a newer evaluation without one
                    try await work.help(cart: both, action: "callback", callbackAt: callbackAt)
                    try await work.evaluate(cart: both, reconsiderAt: reconsiderAt)
                    try await waitUntilCaughtUp(log, consumers: Self.consumers)

                    let liveOffers = try await Self.rows(db.client, "offers", key: "offer_id")
                    let liveSchedule = try await Self.rows(db.client, "engagement_schedule", key: "cart_id")
                    #expect(liveOffers.count == 30)
                    let acceptedRows = try await db.client.query("SELECT offer_id FROM offers WHERE accepted_at IS NOT NULL", logger: TestDatabase.logger)
                    var acceptedIds: Set<UUID> = []
                    for try await id in acceptedRows.decode(UUID.self) { acceptedIds.insert(id) }
                    #expect(acceptedIds == accepted)
                    let schedule = try await Self.schedule(db.client)
                    #expect(Set(schedule.keys) == [callback, quiet, both])
                    #expect(schedule[callback]?.callbackAt == callbackAt && schedule[callback]?.reconsiderAt == nil)
                    #expect(schedule[quiet]?.reconsiderAt == reconsiderAt && schedule[quiet]?.callbackAt == nil)
                    #expect(schedule[both]?.callbackAt == callbackAt && schedule[both]?.reconsiderAt == reconsiderAt)

                    // Small batches, so folds run across batch boundaries.
                    let maintenance = ProjectionMaintenance(log: log, logger: TestDatabase.logger)
                    try await maintenance.rebuild(OffersProjection.kind.name, batchSize: 4)
                    try await maintenance.rebuild(EngagementScheduleProjection.kind.name, batchSize: 3)
                    #expect(try await Self.rows(db.client, "offers", key: "offer_id") == liveOffers)
                    #expect(try await Self.rows(db.client, "engagement_schedule", key: "cart_id") == liveSchedule)
                    // The leader carries on in the swapped-in tables.
                    try await work.offer(cart: UUID(), shopper: shoppers[0], expiresAt: Self.noon)
                    try await work.evaluate(cart: quiet, reconsiderAt: nil)
                    try await waitUntilCaughtUp(log, consumers: Self.consumers)
                    #expect(try await Self.rows(db.client, "offers", key: "offer_id").count == 31)
                    #expect(Set(try await Self.schedule(db.client).keys) == [callback, both])
                }
            }
        }
    }

    @Test func anOfferTheProjectionHasNotAppliedIsFoundAndListedFirst() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let work = Workload(log: log)
                let queries = OfferQueries(log: log)
                let shopperId = UUID()
                let farFuture = Date().addingTimeInterval(3_600)
                let older = try await work.offer(cart: UUID(), shopper: shopperId, expiresAt: farFuture)
                try await withConsumers(log, Self.projections) { try await waitUntilCaughtUp(log, consumers: Self.consumers) }
                // No projector runs from here on.
                let newer = try await work.offer(cart: UUID(), shopper: shopperId, expiresAt: farFuture)
                _ = try await work.offer(cart: UUID(), shopper: UUID(), expiresAt: farFuture)  // someone else's
                #expect(try await queries.offer(id: newer)?.offerId == newer)
                #expect(try await queries.offer(id: older)?.offerId == older)
                #expect(try await queries.offer(id: UUID()) == nil)
                #expect(try await queries.offers(ofShopper: shopperId, limit: 20).map(\.offerId) == [newer, older])
                #expect(try await queries.offers(ofShopper: shopperId, limit: 1).map(\.offerId) == [newer])
                // The service a shopper's accept goes through finds it too.
                let service = OfferService(store: AggregateStore(log: log), merchants: MerchantDirectory(store: AggregateStore(log: log), maxAge: .zero),
                                           capacity: ConfiguredCapacity(channels: 1), clock: SystemClock())
                #expect(try await service.offer(newer, shopperId: shopperId).offerId == newer)
                #expect(try await service.openOffers(shopperId: shopperId).map(\.offerId) == [newer, older])

                // Applied to the table while its checkpoint has not moved (as if the projector
                // committed between the two reads): in both, listed once.
                let pending = try await log.unappliedEvents(consumer: OffersProjection.kind.live.consumer, types: [CallOffered.eventType])
                try await db.client.withConnection { connection in
                    try await OffersProjection.kind.live.apply(pending, connection: connection, logger: TestDatabase.logger)
                }
                #expect(try await queries.offers(ofShopper: shopperId, limit: 20).map(\.offerId) == [newer, older])
            }
        }
    }

    @Test func aDueCallbackOrReconsiderationIsFoundOnceProjectedAndNotBeforeItsTime() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let work = Workload(log: log)
                let queries = OfferQueries(log: log)
                let (callbackCart, quietCart, offerCart) = (UUID(), UUID(), UUID())
                let callbackAt = Self.noon.addingTimeInterval(3_600), reconsiderAt = Self.noon.addingTimeInterval(7_200)
                let expiresAt = Self.noon.addingTimeInterval(120)
                try await work.help(cart: callbackCart, action: "callback", callbackAt: callbackAt)
                try await work.evaluate(cart: quietCart, reconsiderAt: reconsiderAt)
                let offerId = try await work.offer(cart: offerCart, shopper: UUID(), expiresAt: expiresAt)
                // Not projected yet: the clock-driven look-ups read only the tables.
                #expect(try await queries.cartsWithCallbacksDue(by: callbackAt, limit: 10).isEmpty)
                #expect(try await queries.cartsToReconsider(by: reconsiderAt, limit: 10).isEmpty)
                #expect(try await queries.offersLapsed(by: expiresAt, limit: 10).isEmpty)
                try await withConsumers(log, Self.projections) { try await waitUntilCaughtUp(log, consumers: Self.consumers) }

                let justBefore = -0.001
                #expect(try await queries.cartsWithCallbacksDue(by: callbackAt.addingTimeInterval(justBefore), limit: 10).isEmpty)
                #expect(try await queries.cartsWithCallbacksDue(by: callbackAt, limit: 10) == [callbackCart])
                #expect(try await queries.cartsWithCallbacksDue(by: callbackAt.addingTimeInterval(599), limit: 10) == [callbackCart])
                #expect(try await queries.cartsWithCallbacksDue(by: callbackAt.addingTimeInterval(601), limit: 10).isEmpty)  // beyond the lookback

                #expect(try await queries.cartsToReconsider(by: reconsiderAt.addingTimeInterval(justBefore), limit: 10).isEmpty)
                #expect(try await queries.cartsToReconsider(by: reconsiderAt, limit: 10) == [quietCart])
                #expect(try await queries.cartsToReconsider(by: reconsiderAt.addingTimeInterval(601), limit: 10).isEmpty)

                #expect(try await queries.offersLapsed(by: expiresAt.addingTimeInterval(justBefore), limit: 10).isEmpty)
                #expect(try await queries.offersLapsed(by: expiresAt, limit: 10).map(\.offerId) == [offerId])
                #expect(try await queries.offersLapsed(by: expiresAt.addingTimeInterval(601), limit: 10).isEmpty)
            }
        }
    }

    @Test func theLogsTableKeepsNoneOfTheDomainsOfferIndexes() async throws {
        try await TestDatabase.with { db in
            let dropped = ["events_offers_by_id", "events_offers_by_shopper", "events_offers_by_expiry", "events_callbacks_by_time",
                           "events_reconsider_by_time", "events_offer_answers_by_time"]
            let result = try await db.client.query("SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public'", logger: TestDatabase.logger)
            var indexes: [String: String] = [:]
            for try await (table, index) in result.decode((String, String).self) { indexes[index] = table }
            #expect(dropped.allSatisfy { indexes[$0] == nil }, "\(indexes)")
            #expect(indexes["offers_by_shopper"] == "offers" && indexes["offers_by_expiry"] == "offers")
            #expect(indexes["engagement_schedule_callbacks"] == "engagement_schedule")
            #expect(indexes["engagement_schedule_reconsider"] == "engagement_schedule")
        }
    }
}
