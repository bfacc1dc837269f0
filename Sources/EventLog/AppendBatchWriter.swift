import Foundation
import Logging
import PostgresNIO

/// Writes many independent appends in one statement — the group commit.
///
/// Guarantees, each tested against a real Postgres:
/// - Expected version: each request is checked on its own against the stream's current
///   version; a failed check fails only that request, with the actual version.
/// - No lost write across processes: the unique `(stream_id, stream_version)` index is the
///   final check. If another process took a version between our read and our insert, the
///   statement fails with a unique violation and the caller retries the whole batch.
/// - Every check and the insert are one statement: one round trip and one commit per batch.
///   A batch of one event to one stream uses a lighter statement (`SingleAppendStatement`);
///   only when that one inserts nothing does the full statement run to say why.
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

    /// One statement, autocommitted, on the way that succeeds: one round trip and one commit
    /// for the whole batch (a second statement only for appends the light one did not insert).
    /// A single event keeps a statement of its own: sent through the batch statement's arrays
    /// one writer fell from 0.58x to 0.42x pgbench in the append bench.
    /// The lane guarantees each stream appears at most once in `requests`.
    func write(_ requests: [AppendRequest], on connection: PostgresConnection, logger: Logger) async throws -> [Outcome] {
        if requests.count == 1, let appended = try await writeSingle(requests[0], on: connection, logger: logger) {
            return [.appended(appended)]
        }
        guard requests.count > 1, let light = try await writeLight(requests, on: connection, logger: logger) else {
            return try await writeFull(requests, on: connection, logger: logger)
        }
        // What the light statement did not insert (an expectation not met, an id already
        // stored) is asked of the full statement, which says why.
        let rest = requests.indices.filter { light[$0] == nil }
        guard !rest.isEmpty else { return light.compactMap { $0.map(Outcome.appended) } }
        let explained = try await writeFull(rest.map { requests[$0] }, on: connection, logger: logger)
        var outcomes = light.map { $0.map(Outcome.appended) }
        for (index, outcome) in zip(rest, explained) { outcomes[index] = outcome }
        return outcomes.map { $0 ?? .refused(.database("an append of the batch got no outcome")) }
    }

    /// The light statement for a batch: checks each append's expected version and inserts,
    /// nothing more. Per request its result, or nil when it inserted nothing; nil as a whole
    /// when the database refused the statement for a stored id or a version another process
    /// took (then the full statement decides the batch).
    private func writeLight(_ requests: [AppendRequest], on connection: PostgresConnection, logger: Logger) async throws -> [AppendResult?]? {
        let arrays = BatchArrays(requests)
        let statement = LightBatchStatement(arrays)
        var inserted: [UUID: (version: Int64, position: LogPosition)] = [:]
        do {
            for try await (id, version, tx, position) in try await connection.execute(statement, logger: logger) {
                inserted[id] = (version, LogPosition(transactionId: tx, globalPosition: position))
            }
        } catch where DatabaseErrorMapping.isUniqueViolation(error) {
            return nil
        }
        return requests.map { request in
            let found = request.events.compactMap { inserted[$0.id] }
            guard found.count == request.events.count, let last = found.last else { return nil }
            return AppendResult(streamVersion: last.version, positions: found.map(\.position))
        }
    }

    /// The full statement: every check, stored ids found, the insert, and why not.
    private func writeFull(_ requests: [AppendRequest], on connection: PostgresConnection, logger: Logger) async throws -> [Outcome] {
        // A named prepared statement (prepared once per connection): a warm append pays the
        // execution and the commit, not the planning of the whole CTE every time.
        let statement = AppendBatchStatement(BatchArrays(requests))
        let rows = try await connection.execute(statement, logger: logger)
        var inserted: [UUID: LogPosition] = [:]
        var actualVersions = [Int64](repeating: 0, count: requests.count)
        var stored: [UUID: StoredEvent] = [:]
        for try await (kind, request, id, stream, version, tx, position, same) in rows {
            switch kind {
            case "i":
                if let id, let tx, let position { inserted[id] = LogPosition(transactionId: tx, globalPosition: position) }
            case "c":
                actualVersions[Int(request)] = version
            default:
                if let id, let stream, let tx, let position, let same {
                    stored[id] = StoredEvent(stream: stream, version: version, position: LogPosition(transactionId: tx, globalPosition: position), sameBody: same)
                }
            }
        }
        return requests.enumerated().map { index, request in
            let found = request.events.map { stored[$0.id] }
            if found.contains(where: { $0 != nil }) { return Self.replay(request, found: found) }
            let actual = actualVersions[index]
            guard request.expected.isSatisfied(byActual: actual) else {
                return .refused(.wrongExpectedVersion(stream: request.stream.rawValue, expected: request.expected, actual: actual))
            }
            let positions = request.events.compactMap { inserted[$0.id] }
            return .appended(AppendResult(streamVersion: actual + Int64(request.events.count), positions: positions))
        }
    }

    /// One event to one stream, the common case, by the light statement: its result, or nil
    /// when it did not insert (expectation not met, id stored, version taken meanwhile) and
    /// the full statement must say why.
    private func writeSingle(_ request: AppendRequest, on connection: PostgresConnection, logger: Logger) async throws -> AppendResult? {
        guard request.events.count == 1, let event = request.events.first else { return nil }
        let expected = request.expected.boundValue
        let statement = SingleAppendStatement(stream: request.stream.rawValue, id: event.id, type: event.type, schema: event.schemaVersion,
                                              data: event.data.text, metadata: event.metadata.text, expected: expected)
        do {
            for try await (version, tx, position) in try await connection.execute(statement, logger: logger) {
                return AppendResult(streamVersion: version, positions: [LogPosition(transactionId: tx, globalPosition: position)])
            }
            return nil
        } catch where DatabaseErrorMapping.isUniqueViolation(error) {
            return nil
        }
    }

    /// A retry of an append that already happened gets the original result; any other
    /// reuse of stored ids is a conflict.
    private static func replay(_ request: AppendRequest, found: [StoredEvent?]) -> Outcome {
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
