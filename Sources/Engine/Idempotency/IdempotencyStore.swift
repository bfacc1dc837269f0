import EventLog
import Foundation
import PostgresNIO

/// Remembers the first response to a request sent with an `Idempotency-Key`, so a retry
/// gets that response and appends nothing new. The key is claimed before the work runs:
/// a concurrent duplicate sees the claim and is told to retry, never runs the work twice.
///
/// A claim is a lease (`lease`, 60 s): a request that died without completing or releasing
/// its key no longer blocks it forever — once the lease has run out, a retry with the same
/// request takes the key over. Should the first request still be running after all, the
/// work's event ids derive from the key, so the two append nothing twice. Keys are kept for
/// `retention` (24 h) after they completed (or were claimed, if they never completed);
/// `sweep()` then deletes them, in bounded batches (`IdempotencySweeper` runs it).
public struct IdempotencyStore: Sendable {
    public enum Claim: Sendable, Equatable {
        /// This request owns the key: run it, then `complete` or `release`.
        case claimed
        /// The key was used before with the same request: here is its response.
        case replay(StoredResponse)
        /// The key was used before with a different request.
        case mismatch
        /// The first request with this key is still running.
        case inProgress
    }

    /// Longest accepted key.
    public static let maxKeyLength = 200
    /// How long a claim holds its key before a retry may take it over.
    public static let defaultLease: Duration = .seconds(60)
    /// How long a key (and its stored answer) is kept.
    public static let defaultRetention: Duration = .seconds(24 * 3_600)
    /// Keys one `sweep()` deletes at most, so one statement never holds locks for long.
    public static let maxKeysPerSweep = 1_000

    let log: EventLog
    let clock: any WallClock
    let lease: Duration
    let retention: Duration

    public init(log: EventLog, clock: any WallClock = SystemClock(), lease: Duration = defaultLease,
                retention: Duration = defaultRetention) {
        self.log = log
        self.clock = clock
        self.lease = lease
        self.retention = retention
    }

    public func claim(scope: String, key: String, requestHash: Data) async throws -> Claim {
        let client = log.client
        let logger = log.logger
        let now = clock.now()
        let leaseEnded = now.addingTimeInterval(-Self.seconds(lease))
        return try await log.run("claim idempotency key") {
            let inserted = try await client.query("""
                INSERT INTO idempotency_keys (scope, key, request_hash, claimed_at) VALUES (\(scope), \(key), \(requestHash), \(now))
                ON CONFLICT (scope, key) DO NOTHING RETURNING 1
                """, logger: logger)
            for try await _ in inserted.decode(Int.self) { return .claimed }
            // The holder's lease ran out without an answer: it died; this retry takes over.
            // One UPDATE, so of several retries racing here exactly one wins the row.
            let takenOver = try await client.query("""
                UPDATE idempotency_keys SET claimed_at = \(now)
                WHERE scope = \(scope) AND key = \(key) AND request_hash = \(requestHash) AND status IS NULL AND claimed_at <= \(leaseEnded)
                RETURNING 1
                """, logger: logger)
            for try await _ in takenOver.decode(Int.self) { return .claimed }
            let rows = try await client.query("""
                SELECT request_hash, status, headers::text, body FROM idempotency_keys WHERE scope = \(scope) AND key = \(key)
                """, logger: logger)
            for try await (hash, status, headers, body) in rows.decode((Data, Int?, String?, Data?).self) {
                guard hash == requestHash else { return .mismatch }
                guard let status, let headers, let body else { return .inProgress }
                let decoded = (try? JSONDecoder().decode([String: String].self, from: Data(headers.utf8))) ?? [:]
                return .replay(StoredResponse(status: status, headers: decoded, body: body))
            }
            return .inProgress  // released between our insert and select: the caller retries
        }
    }

    public func complete(scope: String, key: String, response: StoredResponse) async throws {
        let client = log.client
        let logger = log.logger
        let now = clock.now()
        let headers = String(decoding: (try? JSONEncoder().encode(response.headers)) ?? Data("{}".utf8), as: UTF8.self)
        try await log.run("store idempotent response") {
            _ = try await client.query("""
                UPDATE idempotency_keys SET status = \(response.status), headers = \(headers)::jsonb, body = \(response.body),
                       completed_at = \(now)
                WHERE scope = \(scope) AND key = \(key)
                """, logger: logger)
        }
    }

    /// Gives the key back after a failed request, so the client may retry it.
    public func release(scope: String, key: String) async throws {
        let client = log.client
        let logger = log.logger
        try await log.run("release idempotency key") {
            _ = try await client.query("DELETE FROM idempotency_keys WHERE scope = \(scope) AND key = \(key) AND status IS NULL", logger: logger)
        }
    }

    /// Deletes up to `maxKeysPerSweep` keys older than the retention; returns how many.
    @discardableResult
    public func sweep() async throws -> Int {
        let client = log.client
        let logger = log.logger
        let cutoff = clock.now().addingTimeInterval(-Self.seconds(retention))
        return try await log.run("sweep idempotency keys") {
            let rows = try await client.query("""
                DELETE FROM idempotency_keys WHERE (scope, key) IN (
                    SELECT scope, key FROM idempotency_keys WHERE coalesce(completed_at, claimed_at) < \(cutoff)
                    LIMIT \(Self.maxKeysPerSweep))
                RETURNING 1
                """, logger: logger)
            var deleted = 0
            for try await _ in rows.decode(Int.self) { deleted += 1 }
            return deleted
        }
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}

/// A response as the idempotency store keeps it.
public struct StoredResponse: Sendable, Equatable {
    public let status: Int
    public let headers: [String: String]
    public let body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
