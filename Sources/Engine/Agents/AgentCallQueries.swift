import Domain
import EventLog
import Foundation
import PostgresNIO

/// The console's reads: a merchant's calls (newest first) and which of a set are over, from
/// the `merchant_calls` read model merged with the call events its projection has not
/// applied yet — a call requested a moment ago is listed at once.
struct AgentCallQueries {
    /// Most calls looked at for the `live` and `recent` filters (newest first): a day of
    /// calls for one merchant is well below it.
    static let maxScannedCalls = 500

    let log: EventLog

    private var consumer: String { MerchantCallsProjection.kind.live.consumer }

    /// The merchant's calls, newest first, `limit` of them after skipping `offset`; with
    /// `since`, only those asked for from a second before it on (callers compare exactly).
    func requestedCalls(merchantId: String, since: Date? = nil, offset: Int, limit: Int) async throws -> [CallRequested] {
        let from = (since ?? Date(timeIntervalSince1970: 0)).addingTimeInterval(-1)
        let pending = try await unappliedRequests(merchantId: merchantId).filter { $0.call.at >= from }
        // Unapplied requests are newer than every applied one (log order): they come first.
        let fromPending = Array(pending.dropFirst(offset).prefix(limit))
        let tableOffset = max(0, offset - pending.count)
        let tableLimit = limit - fromPending.count
        let client = log.client
        let logger = log.logger
        let stored: [(CallRequested, Int64)] = tableLimit <= 0 ? [] : try await log.run("list merchant calls") {
            let rows = try await client.query("""
                SELECT request::text, requested_position FROM merchant_calls
                WHERE merchant_id = \(merchantId) AND requested_at >= \(from)
                ORDER BY requested_position DESC OFFSET \(tableOffset) LIMIT \(tableLimit)
                """, logger: logger)
            var calls: [(CallRequested, Int64)] = []
            for try await (text, position) in rows.decode((String, Int64).self) {
                if let call = try? JSONPayload(validating: text).decode(as: CallRequested.self) { calls.append((call, position)) }
            }
            return calls
        }
        // A request applied between the two reads may show in both: keep it once.
        var seen = Set<UUID>()
        return (fromPending + stored).sorted { $0.1 > $1.1 }.map(\.0).filter { seen.insert($0.callId).inserted }
    }

    /// How many calls the merchant has had.
    func countCalls(merchantId: String) async throws -> Int {
        let pending = try await unappliedRequests(merchantId: merchantId).count
        let client = log.client
        let logger = log.logger
        return try await log.run("count merchant calls") {
            let rows = try await client.query("SELECT count(*)::bigint FROM merchant_calls WHERE merchant_id = \(merchantId)", logger: logger)
            for try await count in rows.decode(Int64.self) { return Int(count) + pending }
            return pending
        }
    }

    /// Those of `callIds` that have ended or failed.
    func finishedCalls(_ callIds: [UUID]) async throws -> Set<UUID> {
        guard !callIds.isEmpty else { return [] }
        let wanted = Set(callIds)
        var finished: Set<UUID> = []
        for recorded in try await log.unappliedEvents(consumer: consumer, types: MerchantCallsProjection.eventTypes) {
            if case .finished(let callId)? = MerchantCallsProjection.fact(recorded), wanted.contains(callId) { finished.insert(callId) }
        }
        let client = log.client
        let logger = log.logger
        let stored = try await log.run("finished calls") {
            let rows = try await client.query("SELECT call_id FROM merchant_calls WHERE call_id = ANY(\(callIds)) AND finished", logger: logger)
            var found: Set<UUID> = []
            for try await callId in rows.decode(UUID.self) { found.insert(callId) }
            return found
        }
        return finished.union(stored)
    }

    /// The merchant's `CallRequested` events the projection has not applied yet (and that are
    /// not in the table either), newest first, with their positions.
    private func unappliedRequests(merchantId: String) async throws -> [(call: CallRequested, position: Int64)] {
        var pending: [(call: CallRequested, position: Int64)] = []
        for recorded in try await log.unappliedEvents(consumer: consumer, types: [CallRequested.eventType]) {
            if case .requested(let call)? = MerchantCallsProjection.fact(recorded), call.merchantId == merchantId {
                pending.append((call, recorded.position.globalPosition))
            }
        }
        guard !pending.isEmpty else { return [] }
        // Applied since the read above: the table has them now.
        let ids = pending.map(\.call.callId)
        let client = log.client
        let logger = log.logger
        let applied = try await log.run("applied merchant calls") {
            let rows = try await client.query("SELECT call_id FROM merchant_calls WHERE call_id = ANY(\(ids))", logger: logger)
            var found: Set<UUID> = []
            for try await callId in rows.decode(UUID.self) { found.insert(callId) }
            return found
        }
        return pending.filter { !applied.contains($0.call.callId) }.sorted { $0.position > $1.position }
    }
}
