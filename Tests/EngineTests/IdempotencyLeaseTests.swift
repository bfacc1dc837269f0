import CartlineTestSupport
import Engine
import EventLog
import Foundation
import PostgresNIO
import Testing

/// Regressions (issue 14): a claim by a request that died stayed "in progress" forever, and
/// the table was never cleaned.
@Suite("Idempotency keys: claims are leases, old keys are swept")
struct IdempotencyLeaseTests {
    static let hash = Data("POST /v1/carts\n{}".utf8)
    static let answer = StoredResponse(status: 201, headers: ["Content-Type": "application/json"], body: Data("{}".utf8))

    @Test func aClaimWithinItsLeaseStillAnswersInProgress() async throws {
        try await TestDatabase.with { database in
            try await database.withEventLog { log in
                let clock = ManualClock(EngagementFlowTests.noon)
                let store = IdempotencyStore(log: log, clock: clock, lease: .seconds(60))
                let first = try await store.claim(scope: "s", key: "k", requestHash: Self.hash)
                clock.advance(seconds: 59)
                let retry = try await store.claim(scope: "s", key: "k", requestHash: Self.hash)
                #expect(first == .claimed)
                #expect(retry == .inProgress)  // answered 409 with Retry-After, as before the lease
            }
        }
    }

    @Test func aClaimWhoseHolderNeverFinishedIsTakenOverOnceTheLeaseRanOut() async throws {
        try await TestDatabase.with { database in
            try await database.withEventLog { log in
                let clock = ManualClock(EngagementFlowTests.noon)
                let store = IdempotencyStore(log: log, clock: clock, lease: .seconds(60))
                // The first request claims the key and dies: no complete, no release.
                #expect(try await store.claim(scope: "s", key: "k", requestHash: Self.hash) == .claimed)
                clock.advance(seconds: 61)
                // Another body under the key is still a misuse of the key, lease or not.
                #expect(try await store.claim(scope: "s", key: "k", requestHash: Data("other".utf8)) == .mismatch)
                // The retry takes the key over, and holds a fresh lease of its own.
                #expect(try await store.claim(scope: "s", key: "k", requestHash: Self.hash) == .claimed)
                #expect(try await store.claim(scope: "s", key: "k", requestHash: Self.hash) == .inProgress)
                try await store.complete(scope: "s", key: "k", response: Self.answer)
                clock.advance(seconds: 3_600)
                // A completed key is never taken over: it replays.
                #expect(try await store.claim(scope: "s", key: "k", requestHash: Self.hash) == .replay(Self.answer))
            }
        }
    }

    @Test func theSweepDeletesKeysPastTheRetentionAndKeepsRecentOnes() async throws {
        try await TestDatabase.with { database in
            try await database.withEventLog { log in
                let clock = ManualClock(EngagementFlowTests.noon)
                let store = IdempotencyStore(log: log, clock: clock, lease: .seconds(60), retention: .seconds(24 * 3_600))
                for key in ["old-done", "old-abandoned"] {
                    #expect(try await store.claim(scope: "s", key: key, requestHash: Self.hash) == .claimed)
                }
                try await store.complete(scope: "s", key: "old-done", response: Self.answer)
                clock.advance(seconds: 20 * 3_600)
                #expect(try await store.claim(scope: "s", key: "recent", requestHash: Self.hash) == .claimed)
                try await store.complete(scope: "s", key: "recent", response: Self.answer)
                clock.advance(seconds: 5 * 3_600)  // 25 h after the old keys, 5 h after the recent one
                #expect(try await IdempotencySweeper(store: store, logger: TestDatabase.logger).sweepRound() == 2)
                #expect(try await store.sweep() == 0)
                #expect(try await store.claim(scope: "s", key: "recent", requestHash: Self.hash) == .replay(Self.answer))
                // The old keys are gone: the same key starts afresh.
                #expect(try await store.claim(scope: "s", key: "old-done", requestHash: Self.hash) == .claimed)
                let rows = try await log.client.query("SELECT count(*)::int FROM idempotency_keys", logger: TestDatabase.logger)
                for try await count in rows.decode(Int.self) { #expect(count == 2) }
            }
        }
    }
}
