import CoreMetrics
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Cartline's event log: one append-only Postgres table (`Migrations/0001_event_log.sql`).
/// Knows nothing of carts or calls.
///
/// Guarantees (each has a test against a real Postgres):
/// - **Expected version.** A racing append to one stream fails with `wrongExpectedVersion`
///   carrying the actual version, never a lost write.
/// - **Idempotent retry.** Re-appending the same event ids where they were stored returns the
///   original positions; an id reused with another body is `eventIdConflict`.
/// - **No skipped events.** `readAll` and subscriptions read only below the transaction
///   horizon in `(tx_id, global_position)` order, so a position that commits late is still
///   delivered, once.
/// - **Exactly-once projection.** `withCheckpoint` commits a consumer's writes and its
///   checkpoint in one transaction.
/// - **Wake-up.** NOTIFY after commit (debounced) cuts latency; polling guarantees delivery.
/// - **Honest timeouts.** Every operation is bounded (`operationTimeoutSeconds`, a caller's
///   `RequestDeadline`), the wait for a connection included; an append that fails `timedOut`
///   was never sent, or was cut off by the server: it does not commit afterwards
///   (`CommitAttempt`; tested with a pool exhausted by a lock in `PoolExhaustionTests`).
///
/// Run it as a `Service` beside its `PostgresClient`: `run()` drives the group commit,
/// the NOTIFY listener and sender, and the horizon metric until graceful shutdown.
public final class EventLog: Service, Sendable {
    public let client: PostgresClient
    public let configuration: EventLogConfiguration
    public let logger: Logger
    let metrics = EventLogMetrics()
    let committer: GroupCommitter
    /// Fired when the log may have moved (a local commit or a NOTIFY): subscriptions wait on it.
    let logAdvanced = WakeUpSignal()
    /// The newest events, shared by this process's subscriptions (one reader per process).
    let tail: SharedLogTail
    /// Fired on each local commit: the NOTIFY sender waits on it.
    let localCommits = WakeUpSignal()
    /// Whether `run()` drives the lanes (and their deadline sweepers) now.
    private let running = Atomic<Bool>(false)
    var isRunning: Bool { running.load(ordering: .acquiring) }
    func setRunning(_ value: Bool) { running.store(value, ordering: .releasing) }

    public init(client: PostgresClient, configuration: EventLogConfiguration = .init(), logger: Logger) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
        self.committer = GroupCommitter(configuration: configuration)
        self.tail = SharedLogTail(capacity: configuration.sharedTailEvents, readBatch: configuration.sharedTailReadBatch)
    }

    // MARK: Appending

    /// Appends `events` to `stream` atomically, with consecutive versions, if the stream is
    /// where `expected` says. Concurrent appends share commits.
    public func append(to stream: StreamName, _ events: [NewEvent], expected: ExpectedVersion) async throws -> AppendResult {
        let request = AppendRequest(stream: stream, events: events, expected: expected)
        try validate(request)
        let started = ContinuousClock.now
        let committer = self.committer
        do {
            let seconds = try operationSeconds("append")
            let deadline = started + .milliseconds(Int64(seconds * 1_000))
            let result: AppendResult
            if isRunning {
                // Bounded by the lane: withdrawn at the deadline while queued, else the batch's deadline.
                result = try await committer.submit(request, deadline: deadline)
            } else {
                // No lane is driven (the log is not running yet): bounded here, as before.
                result = try await withDeadline(seconds: seconds, operation: "append") {
                    try await committer.submit(request, deadline: deadline)
                }
            }
            metrics.appendDuration.recordNanoseconds((ContinuousClock.now - started).inNanoseconds)
            return result
        } catch {
            throw DatabaseErrorMapping.map(error)
        }
    }

    /// Many appends at once (for bulk writers): each gets its own check and result; they
    /// are committed together as far as the commit size allows.
    public func append(_ requests: [AppendRequest]) async -> [Result<AppendResult, EventLogError>] {
        var results = [Result<AppendResult, EventLogError>?](repeating: nil, count: requests.count)
        var valid: [(index: Int, request: AppendRequest)] = []
        for (index, request) in requests.enumerated() {
            do { try validate(request); valid.append((index, request)) } catch { results[index] = .failure(error) }
        }
        let committer = self.committer
        let batch = valid.map(\.request)
        let outcomes: [Result<AppendResult, EventLogError>]
        do {
            outcomes = try await withDeadline(seconds: configuration.operationTimeoutSeconds, operation: "append") {
                await committer.submit(batch)
            }
        } catch {
            outcomes = Array(repeating: .failure(DatabaseErrorMapping.map(error)), count: batch.count)
        }
        for ((index, _), outcome) in zip(valid, outcomes) { results[index] = outcome }
        return results.map { $0 ?? .failure(.shuttingDown) }
    }

    private func validate(_ request: AppendRequest) throws(EventLogError) {
        if request.events.isEmpty { throw .emptyAppend }
        if request.events.count > configuration.maxEventsPerAppend {
            throw .tooManyEvents(count: request.events.count, limit: configuration.maxEventsPerAppend)
        }
        try request.expected.validate()
        var ids = Set<UUID>()
        for event in request.events {
            try event.validate(maxEventBytes: configuration.maxEventBytes)
            if !ids.insert(event.id).inserted { throw .eventIdConflict(eventId: event.id, reason: "appears twice in one append") }
        }
    }

    // MARK: Reading

    /// A stream's events from `version` (inclusive), in version order.
    public func read(stream: StreamName, from version: Int64 = 1, limit: Int = 1_000) async throws -> [RecordedEvent] {
        guard version >= 1 else { throw EventLogError.invalidArgument("stream versions start at 1, not \(version)") }
        let limit = try checkedLimit(limit)
        return try await fetch("""
            SELECT \(unescaped: Self.columns) FROM events
            WHERE stream_id = \(stream.rawValue) AND stream_version >= \(version)
            ORDER BY stream_version LIMIT \(limit)
            """, operation: "read stream")
    }

    /// All streams' events after `position`, in commit-safe order, stopping at the
    /// transaction horizon: an event whose transaction is still open — or any event after
    /// an open transaction's — waits until that transaction ends.
    public func readAll(after position: LogPosition, limit: Int = 1_000) async throws -> [RecordedEvent] {
        let limit = try checkedLimit(limit)
        let events = try await fetch("""
            SELECT \(unescaped: Self.columns) FROM events
            WHERE events.tx_id < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
              AND (events.tx_id, events.global_position) > (\(position.transactionId)::int8::text::xid8, \(position.globalPosition))
            ORDER BY events.tx_id, events.global_position LIMIT \(limit)
            """, operation: "read all")
        metrics.eventsRead.increment(by: events.count)
        return events
    }

    /// What `readAll` would answer, through the process's shared tail: from memory when
    /// `position` is among the newest events, else one database read shared by every
    /// subscription at the head, else a read of this caller's own.
    func readShared(after position: LogPosition, limit: Int) async throws -> [RecordedEvent] {
        let limit = try checkedLimit(limit)
        let (events, source) = try await tail.read(after: position, limit: limit) { [self] after, batch in
            try await self.readAll(after: after, limit: min(batch, self.configuration.maxReadBatch))
        }
        switch source {
        case .buffer: metrics.tailBatchesFromMemory.increment()
        case .sharedRead: metrics.tailBatchesShared.increment()
        case .ownRead: metrics.tailBatchesOwnRead.increment()
        }
        return events
    }

    /// Batches of new events for `consumer`, from its stored checkpoint (or `position`).
    public func subscribe(consumer: String, from position: LogPosition? = nil, batchSize: Int = 1_000) -> EventSubscription {
        EventSubscription(log: self, consumer: consumer, start: position, batchSize: min(max(1, batchSize), configuration.maxReadBatch))
    }

    private func checkedLimit(_ limit: Int) throws(EventLogError) -> Int {
        guard (1...configuration.maxReadBatch).contains(limit) else {
            throw .invalidArgument("read limit \(limit) is outside 1…\(configuration.maxReadBatch)")
        }
        return limit
    }

    /// Casts give output columns the names of input columns (`tx_id`), so ORDER BY and WHERE
    /// clauses must qualify theirs as `events.…` or they sort the casts and lose the index.
    static let columns = """
        tx_id::text::int8, global_position, stream_id, stream_version, event_id, event_type,
        schema_version, data::text, metadata::text, recorded_at
        """

    func fetch(_ query: PostgresQuery, operation: String) async throws -> [RecordedEvent] {
        let client = self.client
        let logger = self.logger
        return try await run(operation) {
            let rows = try await client.query(query, logger: logger)
            var events: [RecordedEvent] = []
            // Cell by cell in column order: decoding the row as one 10-tuple looked the tuple's
            // type metadata up again for every row (the catch-up profile showed it).
            for try await row in rows {
                var cells = row.makeIterator()
                func next<T: PostgresDecodable>(_: T.Type) throws -> T {
                    guard let cell = cells.next() else { throw EventLogError.database("a row of the events table has too few columns") }
                    return try cell.decode(T.self)
                }
                let tx = try next(Int64.self), position = try next(Int64.self), stream = try next(String.self)
                let version = try next(Int64.self), id = try next(UUID.self), type = try next(String.self)
                let schema = try next(Int16.self), data = try next(String.self), metadata = try next(String.self)
                let recordedAt = try next(Date.self)
                events.append(RecordedEvent(
                    position: LogPosition(transactionId: tx, globalPosition: position), stream: stream,
                    streamVersion: version, id: id, type: type, schemaVersion: schema,
                    data: JSONPayload(trusted: data), metadata: JSONPayload(trusted: metadata), recordedAt: recordedAt))
            }
            return events
        }
    }

    /// Runs a database operation under the configured deadline (or the caller's
    /// `RequestDeadline`, if sooner), with errors mapped to `EventLogError`.
    public func run<T: Sendable>(_ operation: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            return try await withDeadline(seconds: try operationSeconds(operation), operation: operation, body)
        } catch {
            throw DatabaseErrorMapping.translate(error)
        }
    }

    /// Seconds the next operation may take: the operation timeout, or what is left of the
    /// caller's `RequestDeadline` when that is sooner (in whole milliseconds). Nothing left:
    /// `timedOut` at once.
    public func operationSeconds(_ operation: String) throws(EventLogError) -> Double {
        let timeout = configuration.operationTimeoutSeconds
        guard let deadline = RequestDeadline.current else { return timeout }
        let leftMilliseconds = (deadline - ContinuousClock.now) / .milliseconds(1)
        guard leftMilliseconds >= 1 else { throw .timedOut(operation: operation, seconds: timeout) }
        return min(timeout, leftMilliseconds.rounded(.down) / 1_000)
    }
}
