import Foundation
import Logging
import PostgresNIO

/// Writes many independent appends in one transaction — the group commit.
///
/// Guarantees, each tested against a real Postgres:
/// - Expected version: each request is checked on its own against the stream's current
///   version (and against earlier requests in the same batch); a failed check fails only
///   that request, with the actual version.
/// - No lost write across processes: the unique `(stream_id, stream_version)` index is the
///   final check. If another process took a version between our read and our insert, the
///   insert fails with a unique violation and the caller retries the whole batch.
/// - Idempotent retry: a request whose event ids are all already stored, with the same
///   bodies in the same stream at the versions its expectation implies, returns the
///   original positions; any other reuse of an id is an `eventIdConflict`. Never `DO NOTHING`.
struct AppendBatchWriter: Sendable {
    /// What one batch attempt concluded for each request, in request order.
    enum Outcome: Sendable {
        case appended(AppendResult)
        case refused(EventLogError)
    }

    /// A stored event found by id: where it is and whether its body matches the retry.
    private struct StoredEvent {
        let stream: String
        let version: Int64
        let position: LogPosition
        let sameBody: Bool
    }

    private struct PlannedRow {
        let request: Int
        let stream: String
        let version: Int64
        let event: NewEvent
    }

    func write(_ requests: [AppendRequest], on connection: PostgresConnection, logger: Logger) async throws -> [Outcome] {
        try await connection.withTransaction(logger: logger) { connection in
            let versions = try await currentVersions(of: requests, on: connection, logger: logger)
            let stored = try await storedEvents(matching: requests, on: connection, logger: logger)
            var plan = Plan(currentVersions: versions)
            let outcomes: [Outcome?] = requests.enumerated().map { index, request in
                plan.decide(request, index: index, stored: stored)
            }
            let inserted = try await insert(plan.rows, on: connection, logger: logger)
            return outcomes.enumerated().map { index, outcome in
                if let outcome { return outcome }
                let rows = plan.rows.filter { $0.request == index }
                // Every planned row came back from the insert: the ids were taken from the rows.
                let positions = rows.compactMap { inserted[$0.event.id] }
                return .appended(AppendResult(streamVersion: rows.last?.version ?? 0, positions: positions))
            }
        }
    }

    /// The in-memory decision for each request, tracking versions taken earlier in the batch.
    private struct Plan {
        var currentVersions: [String: Int64]
        var rows: [PlannedRow] = []
        var idsInBatch: Set<UUID> = []

        /// nil means: append as planned (rows added); otherwise the request's final outcome.
        mutating func decide(_ request: AppendRequest, index: Int, stored: [UUID: StoredEvent]) -> Outcome? {
            let stream = request.stream.rawValue
            let found = request.events.map { stored[$0.id] }
            if found.contains(where: { $0 != nil }) {
                return Self.replay(request, found: found)
            }
            if let duplicate = request.events.first(where: { idsInBatch.contains($0.id) }) {
                return .refused(.eventIdConflict(eventId: duplicate.id, reason: "appended twice at once"))
            }
            let actual = currentVersions[stream] ?? 0
            guard request.expected.isSatisfied(byActual: actual) else {
                return .refused(.wrongExpectedVersion(stream: stream, expected: request.expected, actual: actual))
            }
            for (offset, event) in request.events.enumerated() {
                rows.append(PlannedRow(request: index, stream: stream, version: actual + Int64(offset) + 1, event: event))
                idsInBatch.insert(event.id)
            }
            currentVersions[stream] = actual + Int64(request.events.count)
            return nil
        }

        /// A retry of an append that already happened gets the original result; any other
        /// reuse of stored ids is a conflict.
        static func replay(_ request: AppendRequest, found: [StoredEvent?]) -> Outcome {
            let events = request.events
            for (event, stored) in zip(events, found) {
                guard let stored else {
                    return .refused(.eventIdConflict(eventId: event.id, reason: "only some of this append's events are stored"))
                }
                if !stored.sameBody {
                    return .refused(.eventIdConflict(eventId: event.id, reason: "stored with a different type or body"))
                }
            }
            let stored = found.compactMap { $0 }
            let first = stored[0].version
            let inPlace = stored.enumerated().allSatisfy { offset, event in
                event.stream == request.stream.rawValue && event.version == first + Int64(offset)
            }
            guard inPlace, request.expected.isSatisfied(byActual: first - 1) else {
                return .refused(.eventIdConflict(eventId: events[0].id, reason: "stored in \(stored[0].stream) at version \(first), not where this append expects it"))
            }
            return .appended(AppendResult(streamVersion: stored[stored.count - 1].version, positions: stored.map(\.position)))
        }
    }

    private func currentVersions(of requests: [AppendRequest], on connection: PostgresConnection, logger: Logger) async throws -> [String: Int64] {
        let streams = Array(Set(requests.map(\.stream.rawValue)))
        let rows = try await connection.query("""
            SELECT s.id, COALESCE((SELECT max(e.stream_version) FROM events e WHERE e.stream_id = s.id), 0)
            FROM UNNEST(\(streams)::text[]) AS s(id)
            """, logger: logger)
        var versions: [String: Int64] = [:]
        for try await (stream, version) in rows.decode((String, Int64).self) { versions[stream] = version }
        return versions
    }

    private func storedEvents(matching requests: [AppendRequest], on connection: PostgresConnection, logger: Logger) async throws -> [UUID: StoredEvent] {
        let events = requests.flatMap(\.events)
        let rows = try await connection.query("""
            SELECT e.event_id, e.stream_id, e.stream_version, e.tx_id::text::int8, e.global_position,
                   e.event_type = c.type AND e.data = c.data::jsonb AND e.schema_version = c.schema
            FROM UNNEST(\(events.map(\.id))::uuid[], \(events.map(\.type))::text[],
                        \(events.map(\.data.text))::text[], \(events.map(\.schemaVersion))::int2[]) AS c(id, type, data, schema)
            JOIN events e ON e.event_id = c.id
            """, logger: logger)
        var stored: [UUID: StoredEvent] = [:]
        for try await (id, stream, version, tx, position, same) in rows.decode((UUID, String, Int64, Int64, Int64, Bool).self) {
            stored[id] = StoredEvent(stream: stream, version: version, position: LogPosition(transactionId: tx, globalPosition: position), sameBody: same)
        }
        return stored
    }

    /// One multi-row INSERT for the whole batch; returns each event's position by id.
    private func insert(_ rows: [PlannedRow], on connection: PostgresConnection, logger: Logger) async throws -> [UUID: LogPosition] {
        guard !rows.isEmpty else { return [:] }
        let result = try await connection.query("""
            INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
            SELECT r.stream, r.version, r.id, r.type, r.schema, r.data::jsonb, r.metadata::jsonb
            FROM UNNEST(\(rows.map(\.stream))::text[], \(rows.map(\.version))::int8[], \(rows.map(\.event.id))::uuid[],
                        \(rows.map(\.event.type))::text[], \(rows.map(\.event.schemaVersion))::int2[],
                        \(rows.map(\.event.data.text))::text[], \(rows.map(\.event.metadata.text))::text[])
                 AS r(stream, version, id, type, schema, data, metadata)
            RETURNING event_id, tx_id::text::int8, global_position
            """, logger: logger)
        var positions: [UUID: LogPosition] = [:]
        positions.reserveCapacity(rows.count)
        for try await (id, tx, position) in result.decode((UUID, Int64, Int64).self) {
            positions[id] = LogPosition(transactionId: tx, globalPosition: position)
        }
        return positions
    }
}
