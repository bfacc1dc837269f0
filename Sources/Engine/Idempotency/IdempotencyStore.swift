import EventLog
import Foundation
import PostgresNIO

/// Remembers the first response to a request sent with an `Idempotency-Key`, so a retry
/// gets that response and appends nothing new. The key is claimed before the work runs:
/// a concurrent duplicate sees the claim and is told to retry, never runs the work twice.
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

    let log: EventLog

    public init(log: EventLog) { self.log = log }

    public func claim(scope: String, key: String, requestHash: Data) async throws -> Claim {
        let client = log.client
        let logger = log.logger
        return try await log.run("claim idempotency key") {
            let inserted = try await client.query("""
                INSERT INTO idempotency_keys (scope, key, request_hash) VALUES (\(scope), \(key), \(requestHash))
                ON CONFLICT (scope, key) DO NOTHING RETURNING 1
                """, logger: logger)
            for try await _ in inserted.decode(Int.self) { return .claimed }
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
        let headers = String(decoding: (try? JSONEncoder().encode(response.headers)) ?? Data("{}".utf8), as: UTF8.self)
        try await log.run("store idempotent response") {
            _ = try await client.query("""
                UPDATE idempotency_keys SET status = \(response.status), headers = \(headers)::jsonb, body = \(response.body)
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
