import Domain
import EventLog
import Foundation
import PostgresNIO

/// The log lookups behind offers and callbacks, one place for their SQL and decoding, each
/// served by a partial index (migrations 0004 and 0006). Times are compared as the log
/// writes them: ISO 8601 with milliseconds, which sorts as text.
struct OfferQueries: Sendable {
    /// How far back the clock-driven steps look: an offer that lapsed, or a callback that
    /// fell due, longer ago than this while no scheduler ran is left as it is (an expired
    /// offer cannot be accepted anyway).
    static let lookbackSeconds = 600.0

    let log: EventLog

    func offer(id: UUID) async throws -> CallOffered? {
        try await payloads(CallOffered.self, "find offer", """
            SELECT data::text FROM events WHERE event_type = 'CallOffered' AND data->>'offerId' = \(id.uuidString) LIMIT 1
            """).first
    }

    /// Newest first.
    func offers(ofShopper shopperId: UUID, limit: Int) async throws -> [CallOffered] {
        try await payloads(CallOffered.self, "list offers", """
            SELECT data::text FROM events WHERE event_type = 'CallOffered' AND data->>'shopperId' = \(shopperId.uuidString)
            ORDER BY global_position DESC LIMIT \(limit)
            """)
    }

    /// Offers whose expiry lies in the lookback window up to `now`.
    func offersLapsed(by now: Date, limit: Int) async throws -> [CallOffered] {
        let (from, upTo) = Self.window(endingAt: now)
        return try await payloads(CallOffered.self, "find lapsed offers", """
            SELECT data::text FROM events WHERE event_type = 'CallOffered'
              AND data->>'expiresAt' > \(from) AND data->>'expiresAt' <= \(upTo)
            LIMIT \(limit)
            """)
    }

    /// Carts with a callback due in the lookback window up to `now`.
    func cartsWithCallbacksDue(by now: Date, limit: Int) async throws -> [UUID] {
        let (from, upTo) = Self.window(endingAt: now)
        return try await engagementCarts("find due callbacks", """
            SELECT DISTINCT stream_id FROM events WHERE event_type = 'HelpRequested' AND data->>'action' = 'callback'
              AND data->>'callbackAt' > \(from) AND data->>'callbackAt' <= \(upTo)
            LIMIT \(limit)
            """)
    }

    /// Carts whose evaluation said "look again at" a time now come (quiet hours ended).
    func cartsToReconsider(by now: Date, limit: Int) async throws -> [UUID] {
        let (from, upTo) = Self.window(endingAt: now)
        return try await engagementCarts("find carts to reconsider", """
            SELECT DISTINCT stream_id FROM events WHERE event_type = 'EngagementEvaluated' AND data ? 'reconsiderAt'
              AND data->>'reconsiderAt' > \(from) AND data->>'reconsiderAt' <= \(upTo)
            LIMIT \(limit)
            """)
    }

    /// The carts of the `engagement-<cartId>` streams `query` selects (one `stream_id` column).
    private func engagementCarts(_ operation: String, _ query: PostgresQuery) async throws -> [UUID] {
        let client = log.client
        let logger = log.logger
        return try await log.run(operation) {
            var carts: [UUID] = []
            for try await stream in try await client.query(query, logger: logger).decode(String.self) {
                if let id = UUID(uuidString: String(stream.dropFirst("engagement-".count))) { carts.append(id) }
            }
            return carts
        }
    }

    private static func window(endingAt now: Date) -> (String, String) {
        let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        return (now.addingTimeInterval(-lookbackSeconds).formatted(format), now.formatted(format))
    }

    private func payloads<Payload: EventPayload>(_: Payload.Type, _ operation: String, _ query: PostgresQuery) async throws -> [Payload] {
        let client = log.client
        let logger = log.logger
        return try await log.run(operation) {
            let rows = try await client.query(query, logger: logger)
            var found: [Payload] = []
            for try await text in rows.decode(String.self) {
                if let payload = try? JSONPayload(validating: text).decode(as: Payload.self) { found.append(payload) }
            }
            return found
        }
    }
}
