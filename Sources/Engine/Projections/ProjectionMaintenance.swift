import EventLog
import Foundation
import Logging
import PostgresNIO

/// Status and rebuild of projections, for `cartline projections`.
public struct ProjectionMaintenance: Sendable {
    public struct Status: Sendable, Equatable {
        public enum Kind: String, Sendable { case projection, saga }

        public let name: String
        public let kind: Kind
        public let checkpoint: LogPosition?
        public let headPosition: Int64
        /// Events after the checkpoint (up to the head; those above the horizon included).
        public let behind: Int64
        /// Whether some process holds the projection's leadership lock in this database.
        public let hasLeader: Bool
        /// The read model's rows (a saga keeps none: its state is in the log).
        public let rows: Int64?
    }

    /// The sagas that follow the log with a checkpoint and a leader, as projections do.
    static let sagas: [(name: String, checkpoint: String)] = [
        (EngagementSagaConsumer.sagaName, EngagementSagaConsumer.checkpointName),
        (ChargingSagaConsumer.sagaName, ChargingSagaConsumer.checkpointName),
    ]

    let log: EventLog
    let logger: Logger

    public init(log: EventLog, logger: Logger) {
        self.log = log
        self.logger = logger
    }

    /// Every consumer that keeps a checkpoint: the projections, then the sagas.
    public func status() async throws -> [Status] {
        var statuses: [Status] = []
        let head = try await log.headPosition()
        let consumers = ProjectionCatalog.all.map { ($0.live.name, $0.live.consumer, Status.Kind.projection) }
            + Self.sagas.map { ($0.name, $0.checkpoint, Status.Kind.saga) }
        for (name, checkpointName, kind) in consumers {
            let checkpoint = try await log.checkpoint(of: checkpointName)
            let client = log.client
            let logger = self.logger
            let rowsSQL = kind == .projection ? "(SELECT count(*) FROM \(name))" : "NULL::int8"
            let (behind, leader, rows) = try await log.run("projection status") {
                let result = try await client.query(PostgresQuery(unsafeSQL: """
                    SELECT (SELECT count(*) FROM events WHERE global_position > $1),
                           EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                                   AND classid = $2::int4::oid AND objid = hashtext($3)::oid),
                           \(rowsSQL)
                    """, binds: try Self.binds(checkpoint?.globalPosition ?? 0, ProjectorRunner.lockClass, name)), logger: logger)
                for try await row in result.decode((Int64, Bool, Int64?).self) { return row }
                return (0, false, nil)
            }
            statuses.append(Status(name: name, kind: kind, checkpoint: checkpoint, headPosition: head, behind: behind, hasLeader: leader, rows: rows))
        }
        return statuses
    }

    /// Rebuilds `name` from position zero into a shadow table (one per table it writes: the
    /// main one and its companions), then swaps them in for the live tables in one
    /// transaction once it has caught up. The live projection keeps serving
    /// (and its leader keeps projecting) until the swap; the swap locks the live table, so
    /// the leader's in-flight batch either lands before it or fails and is retried from the
    /// new checkpoint.
    @discardableResult
    public func rebuild(_ name: String, batchSize: Int = 5_000) async throws -> LogPosition {
        let kind = try ProjectionCatalog.named(name)
        // The main table and its companions: all are rebuilt in shadows and swapped together.
        let liveTables = kind.liveTables
        let projection = kind.make(kind.live.table.shadow)
        let client = log.client
        let logger = self.logger
        let rebuildConsumer = projection.rebuildConsumer
        try await log.run("prepare rebuild") {
            try await client.withTransaction(logger: logger) { connection in
                for live in liveTables {
                    let shadow = live.shadow
                    _ = try await connection.query(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(shadow)"), logger: logger)
                    _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE TABLE \(shadow) (LIKE \(live) INCLUDING ALL)"), logger: logger)
                }
                _ = try await connection.query("DELETE FROM consumer_checkpoints WHERE consumer = \(rebuildConsumer)", logger: logger)
            }
        }
        // Catch up outside any lock: the bulk of the work.
        var position = LogPosition.start
        while true {
            let batch = try await log.readAll(after: position, limit: batchSize)
            guard let last = batch.last else { break }
            try await log.withCheckpoint(last.position, for: rebuildConsumer) { connection in
                try await projection.apply(batch, connection: connection, logger: logger)
            }
            position = last.position
        }
        // Swap: hold the live table, finish the last stretch up to the live checkpoint, rename.
        let log = self.log
        let liveConsumer = kind.live.consumer
        let start = position
        return try await log.run("swap rebuilt projection") {
            try await client.withTransaction(logger: logger) { connection in
                // Main table first: a projector writing companions locks its main table first too.
                for live in liveTables {
                    _ = try await connection.query(PostgresQuery(unsafeSQL: "LOCK TABLE \(live) IN ACCESS EXCLUSIVE MODE"), logger: logger)
                }
                let liveCheckpoint = try await Self.checkpoint(liveConsumer, connection: connection, logger: logger) ?? .start
                var position = start
                while position < liveCheckpoint {
                    let batch = try await log.readAll(after: position, limit: batchSize)
                    guard let last = batch.last else { break }
                    try await projection.apply(batch, connection: connection, logger: logger)
                    position = last.position
                }
                guard position >= liveCheckpoint else {
                    throw EngineError.invalidProjection("the rebuild could not reach the live checkpoint \(liveCheckpoint); try again")
                }
                for live in liveTables {
                    _ = try await connection.query(PostgresQuery(unsafeSQL: "DROP TABLE \(live)"), logger: logger)
                    _ = try await connection.query(PostgresQuery(unsafeSQL: "ALTER TABLE \(live.shadow) RENAME TO \(live)"), logger: logger)
                }
                _ = try await connection.query("""
                    INSERT INTO consumer_checkpoints (consumer, tx_id, position)
                    VALUES (\(liveConsumer), \(position.transactionId)::int8::text::xid8, \(position.globalPosition))
                    ON CONFLICT (consumer) DO UPDATE SET tx_id = EXCLUDED.tx_id, position = EXCLUDED.position, updated_at = now()
                    """, logger: logger)
                _ = try await connection.query("DELETE FROM consumer_checkpoints WHERE consumer = \(rebuildConsumer)", logger: logger)
                return position
            }
        }
    }

    private static func checkpoint(_ consumer: String, connection: PostgresConnection, logger: Logger) async throws -> LogPosition? {
        let rows = try await connection.query(
            "SELECT tx_id::text::int8, position FROM consumer_checkpoints WHERE consumer = \(consumer) FOR UPDATE", logger: logger)
        for try await (tx, position) in rows.decode((Int64, Int64).self) { return LogPosition(transactionId: tx, globalPosition: position) }
        return nil
    }

    private static func binds(_ position: Int64, _ lockClass: Int32, _ name: String) throws -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(position)
        binds.append(lockClass)
        binds.append(name)
        return binds
    }
}
