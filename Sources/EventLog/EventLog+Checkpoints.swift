import PostgresNIO

extension EventLog {
    /// Where `consumer` stopped, or nil if it never stored a checkpoint.
    public func checkpoint(of consumer: String) async throws -> LogPosition? {
        let client = self.client
        let logger = self.logger
        return try await run("read checkpoint") {
            let rows = try await client.query(
                "SELECT tx_id::text::int8, position FROM consumer_checkpoints WHERE consumer = \(consumer)", logger: logger)
            for try await (tx, position) in rows.decode((Int64, Int64).self) {
                return LogPosition(transactionId: tx, globalPosition: position)
            }
            return nil
        }
    }

    /// Stores a consumer's checkpoint on its own (for consumers with no database writes).
    public func storeCheckpoint(_ position: LogPosition, for consumer: String) async throws {
        _ = try await withCheckpoint(position, for: consumer) { _ in }
    }

    /// Runs `body` and moves `consumer`'s checkpoint to `position` in the same transaction:
    /// the read model and the checkpoint commit together or not at all (exactly-once).
    /// If another process already moved the checkpoint to or past `position`, nothing
    /// commits and `checkpointAlreadyPassed` is thrown, so no batch is applied twice.
    public func withCheckpoint<T: Sendable>(
        _ position: LogPosition, for consumer: String,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let client = self.client
        let logger = self.logger
        return try await run("commit with checkpoint") {
            try await client.withTransaction(logger: logger) { connection in
                let value = try await body(connection)
                let moved = try await connection.query("""
                    INSERT INTO consumer_checkpoints AS c (consumer, tx_id, position)
                    VALUES (\(consumer), \(position.transactionId)::int8::text::xid8, \(position.globalPosition))
                    ON CONFLICT (consumer) DO UPDATE SET tx_id = EXCLUDED.tx_id, position = EXCLUDED.position, updated_at = now()
                    WHERE (c.tx_id, c.position) < (EXCLUDED.tx_id, EXCLUDED.position)
                    RETURNING 1
                    """, logger: logger)
                var rows = 0
                for try await _ in moved { rows += 1 }
                if rows == 0 { throw CheckpointError.alreadyPassed(consumer: consumer, position: position) }
                return value
            }
        }
    }
}

/// A checkpoint that could not move.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
    case alreadyPassed(consumer: String, position: LogPosition)

    public var description: String {
        switch self {
        case .alreadyPassed(let consumer, let position): "checkpoint of \(consumer) is already at or past \(position)"
        }
    }
}

extension EventLog {
    /// The highest global position written so far (0 for an empty log); for lag metrics.
    public func headPosition() async throws -> Int64 {
        let client = self.client
        let logger = self.logger
        return try await run("read head") {
            let rows = try await client.query("SELECT coalesce(max(global_position), 0) FROM events", logger: logger)
            for try await head in rows.decode(Int64.self) { return head }
            return 0
        }
    }
}

extension EventLog {
    /// A position just below the transaction horizon: a subscription from here delivers
    /// everything that commits from now on (and possibly a few events just before), never
    /// skipping one whose transaction is still open.
    public func horizon() async throws -> LogPosition {
        let client = self.client
        let logger = self.logger
        return try await run("read horizon") {
            let rows = try await client.query("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::int8", logger: logger)
            for try await xmin in rows.decode(Int64.self) { return LogPosition(transactionId: xmin - 1, globalPosition: .max) }
            return .start
        }
    }
}
