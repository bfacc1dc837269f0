import Foundation
import Logging
import PostgresNIO

/// Reads the `events` table with plain SQL, in the log's commit-safe order
/// (tx_id, global_position), in pages of `batchSize` rows keyed on that order, so memory
/// stays flat however long the log is. Read-only: it runs SELECTs and nothing else.
///
/// Every page stays below the transaction horizon taken once at the start, so all pages
/// read the same set of committed events even while the primary keeps appending.
struct EventReader {
    static let batchSizeMax = 50_000

    let client: PostgresClient
    let logger: Logger
    let batchSize: Int

    init(client: PostgresClient, logger: Logger, batchSize: Int = 5_000) {
        self.client = client
        self.logger = logger
        self.batchSize = min(max(1, batchSize), Self.batchSizeMax)
    }

    /// The oldest transaction still running: everything below it has committed.
    func horizon() async throws -> Int64 {
        let rows = try await client.query("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::int8", logger: logger)
        for try await horizon in rows.decode(Int64.self) { return horizon }
        throw FinanceFailure.database("the database reported no transaction horizon")
    }

    /// How many events `forEachBatch` will visit (for the progress bar only: a count scans).
    func count(_ range: RecordedRange, types: [String]?, horizon: Int64) async throws -> Int64 {
        let allTypes = types == nil
        let rows = try await client.query("""
            SELECT count(*)::int8 FROM events
            WHERE tx_id < \(horizon)::int8::text::xid8
              AND recorded_at >= \(range.from)
              AND (recorded_at < \(range.to) OR (\(range.includesEnd) AND recorded_at = \(range.to)))
              AND (\(allTypes) OR event_type = ANY(\(types ?? [])))
            """, logger: logger)
        for try await count in rows.decode(Int64.self) { return count }
        return 0
    }

    /// Calls `body` with each page of events in `range` (of `types`, or all), in order. The
    /// next page is fetched while `body` folds this one (the database and the fold overlap,
    /// one page ahead at most, so memory stays at two pages).
    func forEachBatch(_ range: RecordedRange, types: [String]?, horizon: Int64,
                      _ body: ([StoredEvent]) throws -> Void) async throws {
        var next: Task<[StoredEvent], any Error>? = Task { try await page(range, types: types, horizon: horizon, after: (0, 0)) }
        while let fetching = next {
            let batch = try await fetching.value
            guard let last = batch.last else { return }
            next = batch.count < batchSize ? nil : Task {
                try await page(range, types: types, horizon: horizon, after: (last.transactionId, last.position))
            }
            do { try body(batch) } catch {
                next?.cancel()
                throw error
            }
        }
    }

    /// One page of events after `after`, in order.
    private func page(_ range: RecordedRange, types: [String]?, horizon: Int64,
                      after: (transactionId: Int64, position: Int64)) async throws -> [StoredEvent] {
        let allTypes = types == nil
        let rows = try await client.query("""
            SELECT global_position, tx_id::text::int8, stream_id, stream_version, event_type, data::text, recorded_at
            FROM events
            WHERE tx_id < \(horizon)::int8::text::xid8
              AND (tx_id, global_position) > (\(after.transactionId)::int8::text::xid8, \(after.position))
              AND recorded_at >= \(range.from)
              AND (recorded_at < \(range.to) OR (\(range.includesEnd) AND recorded_at = \(range.to)))
              AND (\(allTypes) OR event_type = ANY(\(types ?? [])))
            ORDER BY tx_id, global_position
            LIMIT \(batchSize)
            """, logger: logger)
        var batch: [StoredEvent] = []
        batch.reserveCapacity(batchSize)
        for try await (position, transactionId, stream, version, type, data, recordedAt)
            in rows.decode((Int64, Int64, String, Int64, String, String, Date).self) {
            batch.append(StoredEvent(position: position, transactionId: transactionId, stream: stream, version: version,
                                     type: type, data: data, recordedAt: recordedAt))
        }
        return batch
    }
}
