import EventLog
import Foundation
import HTTPTypes
import PostgresNIO
import Testing

/// Regression (issue 14): an `Idempotency-Key` whose request died stayed "in progress" (409)
/// forever. Here through HTTP; the lease and the sweep themselves in EngineTests.
@Suite("Idempotency-Key leases through the API")
struct IdempotencyLeaseAPITests {
    @Test func aLiveClaimAnswers409AndADeadOneIsTakenOverWithoutAppendingTwice() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            let open: [String: Any] = ["merchantId": "demo-shop"]
            let opened = try await shopper.send(.post, "/v1/carts", json: open, headers: ["Idempotency-Key": "open-1"])
            #expect(opened.status == 201)
            // As if the first request were still running: claimed a moment ago, no answer stored.
            try await Self.setClaim(harness, claimedSecondsAgo: 1)
            let running = try await shopper.send(.post, "/v1/carts", json: open, headers: ["Idempotency-Key": "open-1"])
            running.expectProblem(409, type: "idempotency-key-in-progress")
            #expect(running.headers[.retryAfter] == "1")
            // As if it had died two minutes ago, past the 60 s lease: the retry takes the key over,
            // and the work's derived event ids append nothing twice.
            try await Self.setClaim(harness, claimedSecondsAgo: 120)
            let retried = try await shopper.send(.post, "/v1/carts", json: open, headers: ["Idempotency-Key": "open-1"])
            #expect(retried.status == 201, "\(retried.text)")
            #expect(retried.json["id"] as? String == opened.json["id"] as? String)
            #expect(try await shopper.send(.get, "/v1/carts").json["carts"].map { ($0 as? [Any])?.count } == 1)
            // Completed again: now replayed.
            let replayed = try await shopper.send(.post, "/v1/carts", json: open, headers: ["Idempotency-Key": "open-1"])
            #expect(replayed.headers[.init("Idempotent-Replayed")!] == "true")
        }
    }

    static func setClaim(_ harness: WebHarness, claimedSecondsAgo seconds: Int) async throws {
        try await harness.log.client.query("""
            UPDATE idempotency_keys SET status = NULL, headers = NULL, body = NULL, completed_at = NULL,
                   claimed_at = now() - make_interval(secs => \(Double(seconds)))
            """, logger: harness.log.logger)
    }
}
