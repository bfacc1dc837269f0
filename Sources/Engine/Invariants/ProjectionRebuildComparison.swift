import EventLog
import Foundation
import Logging
import PostgresNIO

/// Checks that a projection's live tables equal a rebuild from position zero: the same
/// `Projection.apply` that `ProjectionMaintenance.rebuild` runs fills temporary scratch
/// tables (dropped at commit, never swapped in), up to the live checkpoint, and the row
/// sets are compared with `EXCEPT ALL` both ways. The live tables are held in SHARE mode
/// meanwhile: readers go on, the projector waits, so both sides stand at one position.
struct ProjectionRebuildComparison {
    static let scratchSuffix = "_check"

    let log: EventLog
    let logger: Logger
    let pageSize: Int
    let sampleRows: Int

    /// The differences of `kind`'s tables from their rebuild (empty when equal), and the
    /// live rows compared.
    func compare(_ kind: ProjectionKind) async throws -> (rows: Int64, violations: [InvariantViolation]) {
        let liveTables = kind.liveTables
        let scratch = kind.make(ProjectionTable(trusted: kind.name + Self.scratchSuffix, generationSuffix: Self.scratchSuffix))
        let liveConsumer = kind.live.consumer
        let log = self.log, logger = self.logger, pageSize = self.pageSize, sampleRows = self.sampleRows
        return try await log.client.withTransaction(logger: logger) { connection in
            for live in liveTables {
                _ = try await connection.query(PostgresQuery(unsafeSQL: "LOCK TABLE \(live) IN SHARE MODE"), logger: logger)
                _ = try await connection.query(PostgresQuery(unsafeSQL: """
                    CREATE TEMPORARY TABLE \(live.name + Self.scratchSuffix) (LIKE \(live) INCLUDING ALL) ON COMMIT DROP
                    """), logger: logger)
            }
            let checkpoint = try await Self.checkpoint(liveConsumer, connection: connection, logger: logger) ?? .start
            var position = LogPosition.start
            while position < checkpoint {
                let page = try await log.readAll(after: position, limit: pageSize)
                guard let last = page.last else { break }
                let upToCheckpoint = page.filter { $0.position <= checkpoint }
                if !upToCheckpoint.isEmpty { try await scratch.apply(upToCheckpoint, connection: connection, logger: logger) }
                position = last.position
            }
            var rows: Int64 = 0
            var violations: [InvariantViolation] = []
            for live in liveTables {
                let rebuilt = live.name + Self.scratchSuffix
                let (liveRows, missing, extra) = try await Self.differences(live.name, rebuilt, connection: connection, logger: logger)
                rows += liveRows
                guard missing + extra > 0 else { continue }
                let onlyLive = try await Self.sample("SELECT * FROM \(live.name) EXCEPT ALL SELECT * FROM \(rebuilt)", sampleRows, connection, logger)
                let onlyRebuilt = try await Self.sample("SELECT * FROM \(rebuilt) EXCEPT ALL SELECT * FROM \(live.name)", sampleRows, connection, logger)
                violations.append(InvariantViolation(
                    .projectionEqualsRebuild, subject: "table \(live.name) (projection \(kind.name), checkpoint \(checkpoint))",
                    expected: "the rows of a rebuild from zero" + (onlyRebuilt.isEmpty ? "" : ", e.g. \(onlyRebuilt.joined(separator: " "))"),
                    found: "\(extra) rows only in the live table, \(missing) rebuilt rows missing from it"
                        + (onlyLive.isEmpty ? "" : "; live-only e.g. \(onlyLive.joined(separator: " "))")))
            }
            return (rows, violations)
        }
    }

    /// Live rows, rebuilt rows the live table lacks, live rows the rebuild lacks.
    private static func differences(_ live: String, _ rebuilt: String, connection: PostgresConnection,
                                    logger: Logger) async throws -> (Int64, Int64, Int64) {
        let result = try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT (SELECT count(*) FROM \(live)),
                   (SELECT count(*) FROM (SELECT * FROM \(rebuilt) EXCEPT ALL SELECT * FROM \(live)) d),
                   (SELECT count(*) FROM (SELECT * FROM \(live) EXCEPT ALL SELECT * FROM \(rebuilt)) d)
            """), logger: logger)
        for try await row in result.decode((Int64, Int64, Int64).self) { return row }
        return (0, 0, 0)
    }

    /// Up to `limit` rows of `query` as JSON text.
    private static func sample(_ query: String, _ limit: Int, _ connection: PostgresConnection, _ logger: Logger) async throws -> [String] {
        guard limit > 0 else { return [] }
        let result = try await connection.query(PostgresQuery(unsafeSQL: "SELECT row_to_json(d)::text FROM (\(query)) d LIMIT \(limit)"), logger: logger)
        var rows: [String] = []
        for try await row in result.decode(String.self) { rows.append(row) }
        return rows
    }

    private static func checkpoint(_ consumer: String, connection: PostgresConnection, logger: Logger) async throws -> LogPosition? {
        let rows = try await connection.query(
            "SELECT tx_id::text::int8, position FROM consumer_checkpoints WHERE consumer = \(consumer)", logger: logger)
        for try await (tx, position) in rows.decode((Int64, Int64).self) { return LogPosition(transactionId: tx, globalPosition: position) }
        return nil
    }
}
