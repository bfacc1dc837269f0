import CartlineTestSupport
import Foundation
import PostgresNIO
import Testing

@Suite("Two `cartline serve` processes on one database")
struct TwoProcessEngagementTests {
    static func count(_ db: TestDatabase, _ condition: String) async throws -> Int64 {
        let rows = try await db.client.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM events WHERE \(condition)"), logger: TestDatabase.logger)
        for try await count in rows.decode(Int64.self) { return count }
        return 0
    }

    static func waitFor(_ what: String, seconds: Int = 40, _ check: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await check() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("timed out waiting for \(what)")
    }

    @Test func killingTheLeaderMidWayStillGivesExactlyOneOfferAndOneCall() async throws {
        try await TestDatabase.with { db in
            let secrets = ServeProcess.Secrets()
            let first = try ServeProcess(databaseURL: db.url, secrets: secrets)
            #expect(try await first.waitHealthy(), "\(first.log)")
            // The first process takes the leadership of the projection and the saga: their two locks
            // (ProjectorRunner.lockClass 'proj' = 0x7072_6F6A, key hashtext(name); other projections
            // and a telephony node's own lock are not what this test is about).
            try await Self.waitFor("the first process to lead", seconds: 10) {
                let rows = try await db.client.query("""
                    SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 1886547818
                      AND objid::text::int8 IN (hashtext('unconcluded_carts')::int8 & 4294967295, hashtext('engagement_saga')::int8 & 4294967295)
                      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                    """, logger: TestDatabase.logger)
                for try await count in rows.decode(Int64.self) { return count == 2 }
                return false
            }
            let second = try ServeProcess(databaseURL: db.url, secrets: secrets)
            #expect(try await second.waitHealthy(), "\(second.log)")

            var merchant = WebHarness.merchantJSON("shop", catalog: [("grinder", 129_500_000)])
            merchant["engagement"] = [
                "idleThresholdSeconds": 5, "marginBasisPoints": 2500, "upliftBasisPoints": 1500, "expectedCallCostMicros": 0,
                "minimumGainMicros": 0, "cooldownSeconds": 60, "holdoutBasisPoints": 0, "offerTTLSeconds": 120,
            ]
            let body = String(decoding: try JSONSerialization.data(withJSONObject: merchant), as: UTF8.self)
            let registered = try await HTTP.send("POST", "\(first.baseURL)/v1/admin/merchants", json: body,
                                                 headers: ["Authorization": "Bearer \(secrets.admin)"])
            #expect(registered.status == 201)
            // A shopper on the second process.
            let opened = try await HTTP.send("POST", "\(second.baseURL)/v1/carts", json: #"{"merchantId":"shop"}"#)
            let cookie = try #require(opened.headers["set-cookie"]?.split(separator: ";").first.map(String.init), "\(opened.status) \(opened.headers)")
            let cartId = try #require(opened.json["id"] as? String)
            #expect(try await HTTP.send("POST", "\(second.baseURL)/v1/carts/\(cartId)/items", json: #"{"sku":"grinder","quantity":1}"#, cookie: cookie).status == 200)
            #expect(try await HTTP.send("PUT", "\(second.baseURL)/v1/preferences",
                                        json: #"{"mode":"pstn","phone":"+4930123456","consent":true}"#, cookie: cookie).status == 200)

            // The moment the cart goes idle, the leader is killed (-9): the other takes over.
            try await Self.waitFor("CartIdled") { try await Self.count(db, "event_type = 'CartIdled'") == 1 }
            kill(first.process.processIdentifier, SIGKILL)
            try await Self.waitFor("CallOffered") { try await Self.count(db, "event_type = 'CallOffered'") == 1 }

            let rows = try await db.client.query("SELECT data->>'offerId' FROM events WHERE event_type = 'CallOffered'", logger: TestDatabase.logger)
            var offerId = ""
            for try await id in rows.decode(String.self) { offerId = id.lowercased() }
            let accepted = try await HTTP.send("POST", "\(second.baseURL)/v1/offers/\(offerId)/accept", cookie: cookie)
            #expect(accepted.status == 200, "\(String(decoding: accepted.body, as: UTF8.self))")
            #expect(accepted.json["mode"] as? String == "pstn" && accepted.json["destination"] == nil)
            _ = try await HTTP.send("POST", "\(second.baseURL)/v1/offers/\(offerId)/accept", cookie: cookie)  // a retry
            // Ops see the business, not only the plumbing: this process took the accept.
            let metrics = String(decoding: try await HTTP.send("GET", "\(second.baseURL)/metrics", headers: ServeProcess.scraper).body, as: UTF8.self)
            #expect(metrics.contains(#"cartline_offers_total{outcome="accepted"}"#), "\(metrics.prefix(2000))")

            // Give a late duplicate every chance to appear, then count.
            try await Task.sleep(for: .seconds(2))
            #expect(try await Self.count(db, "event_type = 'EngagementEvaluated'") == 1)
            #expect(try await Self.count(db, "event_type = 'CallOffered'") == 1)
            #expect(try await Self.count(db, "event_type = 'CallRequested' AND stream_id LIKE 'call-%'") == 1)
            #expect(try await Self.count(db, "event_type = 'CartIdled'") == 1)
            second.process.terminate()
            #expect(try await second.waitExit())
        }
    }
}
