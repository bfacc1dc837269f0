import Foundation
import Logging
import PostgresNIO

/// Applies `Migrations/*.sql` in order, each exactly once, each in its own transaction.
///
/// Guarantees (tested against a real Postgres and real concurrent `cartline migrate` runs):
/// - Two processes starting together cannot both apply one file: all work happens under a
///   session advisory lock, and the applied list is re-read after taking it.
/// - A file edited after it was applied is refused before anything runs (SHA-256 stored).
/// - A failing migration rolls back alone; earlier ones stay applied.
public struct MigrationRunner: Sendable {
    /// "cartline" in ASCII: the advisory lock every Cartline process uses for migrations.
    static let lockKey: Int64 = 0x6361_7274_6C69_6E65

    public enum State: Sendable, Equatable {
        case applied(checksumMatches: Bool)
        case pending
        /// Applied in the database, missing from this build.
        case unknown
    }

    public struct Status: Sendable, Equatable {
        public let version: Int
        public let name: String
        public let state: State

        public init(version: Int, name: String, state: State) {
            self.version = version
            self.name = name
            self.state = state
        }
    }

    private struct Applied { let name: String; let checksum: String }

    let client: PostgresClient
    let migrations: [Migration]
    let logger: Logger
    let lockWaitSeconds: Int

    public init(client: PostgresClient, migrations: [Migration], logger: Logger, lockWaitSeconds: Int = 60) {
        self.client = client
        self.migrations = migrations
        self.logger = logger
        self.lockWaitSeconds = lockWaitSeconds
    }

    /// Applies every pending migration; returns the ones this call applied.
    @discardableResult
    public func migrate() async throws -> [Migration] {
        try await client.withConnection { connection in
            try await lock(connection)
            do {
                let result = try await applyPending(on: connection)
                try await unlock(connection)
                return result
            } catch {
                try? await unlock(connection)
                throw error
            }
        }
    }

    /// Every known and applied migration with its state, in version order.
    public func status() async throws -> [Status] {
        try await client.withConnection { connection in
            let applied = try await appliedMigrations(on: connection)
            let checksums = try await checksums(on: connection)
            var statuses = migrations.map { migration -> Status in
                guard let record = applied[migration.version] else { return Status(version: migration.version, name: migration.name, state: .pending) }
                return Status(version: migration.version, name: migration.name, state: .applied(checksumMatches: record.checksum == checksums[migration.version]))
            }
            let known = Set(migrations.map(\.version))
            for (version, record) in applied where !known.contains(version) {
                statuses.append(Status(version: version, name: record.name, state: .unknown))
            }
            return statuses.sorted { $0.version < $1.version }
        }
    }

    private func applyPending(on connection: PostgresConnection) async throws -> [Migration] {
        try await connection.query("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
              version    integer     PRIMARY KEY,
              name       text        NOT NULL,
              checksum   text        NOT NULL,
              applied_at timestamptz NOT NULL DEFAULT now())
            """, logger: logger)
        let applied = try await appliedMigrations(on: connection)
        let checksums = try await checksums(on: connection)
        let known = Set(migrations.map(\.version))
        if let (version, record) = applied.first(where: { !known.contains($0.key) }) {
            throw MigrationError.unknownApplied(version: version, name: record.name)
        }
        for migration in migrations {
            if let record = applied[migration.version], record.checksum != checksums[migration.version] {
                throw MigrationError.modifiedAfterApply(version: migration.version, name: migration.name)
            }
        }
        var done: [Migration] = []
        for migration in migrations where applied[migration.version] == nil {
            try await apply(migration, checksum: checksums[migration.version] ?? "", on: connection)
            logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            done.append(migration)
        }
        return done
    }

    private func apply(_ migration: Migration, checksum: String, on connection: PostgresConnection) async throws {
        do {
            try await connection.query("BEGIN", logger: logger)
            for statement in SQLScript.statements(in: migration.sql) {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            try await connection.query("""
                INSERT INTO schema_migrations (version, name, checksum) VALUES (\(migration.version), \(migration.name), \(checksum))
                """, logger: logger)
            try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            let reason = (error as? PSQLError)?.serverInfo?[.message] ?? String(describing: error)
            throw MigrationError.failed(version: migration.version, name: migration.name, reason: reason)
        }
    }

    private func appliedMigrations(on connection: PostgresConnection) async throws -> [Int: Applied] {
        let exists = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
        for try await present in exists.decode(Bool.self) where !present { return [:] }
        let rows = try await connection.query("SELECT version, name, checksum FROM schema_migrations", logger: logger)
        var applied: [Int: Applied] = [:]
        for try await (version, name, checksum) in rows.decode((Int, String, String).self) {
            applied[version] = Applied(name: name, checksum: checksum)
        }
        return applied
    }

    /// SHA-256 of each file, computed by Postgres so the log needs no crypto library.
    private func checksums(on connection: PostgresConnection) async throws -> [Int: String] {
        let rows = try await connection.query("""
            SELECT v, encode(sha256(convert_to(s, 'UTF8')), 'hex')
            FROM UNNEST(\(migrations.map(\.version))::int4[], \(migrations.map(\.sql))::text[]) AS m(v, s)
            """, logger: logger)
        var checksums: [Int: String] = [:]
        for try await (version, checksum) in rows.decode((Int, String).self) { checksums[version] = checksum }
        return checksums
    }

    private func lock(_ connection: PostgresConnection) async throws {
        let deadline = ContinuousClock.now + .seconds(lockWaitSeconds)
        while true {
            let rows = try await connection.query("SELECT pg_try_advisory_lock(\(Self.lockKey))", logger: logger)
            for try await locked in rows.decode(Bool.self) where locked { return }
            if ContinuousClock.now > deadline { throw MigrationError.lockTimeout(seconds: lockWaitSeconds) }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    private func unlock(_ connection: PostgresConnection) async throws {
        try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
    }
}
