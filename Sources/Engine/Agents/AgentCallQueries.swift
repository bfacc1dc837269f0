import Domain
import EventLog
import Foundation
import PostgresNIO

/// The console's reads of the log: a merchant's `CallRequested` events (newest first, by
/// the `events_calls_by_merchant` index) and which of a set of calls are over.
struct AgentCallQueries {
    /// Most calls looked at for the `live` and `recent` filters (newest first): a day of
    /// calls for one merchant is well below it.
    static let maxScannedCalls = 500

    let log: EventLog

    /// The merchant's calls, newest first, `limit` of them after skipping `offset`; with
    /// `since`, only those asked for from a second before it on (callers compare exactly).
    func requestedCalls(merchantId: String, since: Date? = nil, offset: Int, limit: Int) async throws -> [CallRequested] {
        let client = log.client
        let logger = log.logger
        // Stored dates are ISO 8601 UTC, so text order is time order (to the second).
        let sinceText = (since ?? Date(timeIntervalSince1970: 0)).addingTimeInterval(-1).formatted(.iso8601)
        return try await log.run("list merchant calls") {
            let rows = try await client.query("""
                SELECT data::text FROM events
                WHERE event_type = 'CallRequested' AND stream_id LIKE 'call-%' AND data->>'merchantId' = \(merchantId)
                  AND data->>'at' >= \(sinceText)
                ORDER BY global_position DESC OFFSET \(offset) LIMIT \(limit)
                """, logger: logger)
            var calls: [CallRequested] = []
            for try await text in rows.decode(String.self) {
                if let call = try? JSONPayload(validating: text).decode(as: CallRequested.self) { calls.append(call) }
            }
            return calls
        }
    }

    /// How many calls the merchant has had.
    func countCalls(merchantId: String) async throws -> Int {
        let client = log.client
        let logger = log.logger
        return try await log.run("count merchant calls") {
            let rows = try await client.query("""
                SELECT count(*)::bigint FROM events
                WHERE event_type = 'CallRequested' AND stream_id LIKE 'call-%' AND data->>'merchantId' = \(merchantId)
                """, logger: logger)
            for try await count in rows.decode(Int64.self) { return Int(count) }
            return 0
        }
    }

    /// Those of `callIds` whose stream holds `CallEnded` or `CallFailed`.
    func finishedCalls(_ callIds: [UUID]) async throws -> Set<UUID> {
        guard !callIds.isEmpty else { return [] }
        let streams = callIds.map { "call-\($0.uuidString.lowercased())" }
        let client = log.client
        let logger = log.logger
        return try await log.run("finished calls") {
            let rows = try await client.query("""
                SELECT DISTINCT stream_id FROM events
                WHERE stream_id = ANY(\(streams)) AND event_type IN ('CallEnded', 'CallFailed')
                """, logger: logger)
            var finished: Set<UUID> = []
            for try await stream in rows.decode(String.self) {
                if let id = UUID(uuidString: String(stream.dropFirst("call-".count))) { finished.insert(id) }
            }
            return finished
        }
    }
}
