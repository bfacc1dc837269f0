import CartlineTestSupport
import EventLog
import Foundation
import PostgresNIO
import Testing

@Suite("Migrations")
struct MigrationTests {
    @Test func applyingTwiceIsANoOp() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let migrations = try TestDatabase.projectMigrations()
            let runner = MigrationRunner(client: db.client, migrations: migrations, logger: TestDatabase.logger)
            #expect(migrations.count >= 2)
            #expect(try await runner.migrate().map(\.version) == migrations.map(\.version))
            #expect(try await runner.migrate().isEmpty)
            #expect(try await runner.status() == migrations.map { .init(version: $0.version, name: $0.name, state: .applied(checksumMatches: true)) })
        }
    }

    @Test func twoConcurrentMigrateProcessesApplyEachFileOnce() async throws {
        let folder = try MigrationFolder()
        defer { folder.remove() }
        // Plain CREATE TABLE fails if run twice; the sleep widens the window for a race.
        try folder.write("0001_first.sql", "CREATE TABLE one (id int); SELECT pg_sleep(0.3);")
        try folder.write("0002_second.sql", "CREATE TABLE two (id int);\nINSERT INTO two VALUES (1);")
        try folder.write("0003_third.sql", "CREATE TABLE three (note text DEFAULT 'semi;colon');")
        try await TestDatabase.with(migrated: false) { db in
            async let first = runCartline(["migrate", "--migrations-dir", folder.path], databaseURL: db.url)
            async let second = runCartline(["migrate", "--migrations-dir", folder.path], databaseURL: db.url)
            let results = try await [first, second]
            #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.output))")
            let rows = try await db.client.query("SELECT version, count(*) FROM schema_migrations GROUP BY version ORDER BY version")
            var counts: [Int: Int] = [:]
            for try await (version, count) in rows.decode((Int, Int).self) { counts[version] = count }
            #expect(counts == [1: 1, 2: 1, 3: 1])
            let status = try await runCartline(["migrate", "--status", "--migrations-dir", folder.path], databaseURL: db.url)
            #expect(status.output.contains("0003  third  applied"))
        }
    }

    @Test func anAppliedMigrationThatWasEditedIsRefused() async throws {
        let folder = try MigrationFolder()
        defer { folder.remove() }
        try folder.write("0001_first.sql", "CREATE TABLE one (id int);")
        try await TestDatabase.with(migrated: false) { db in
            #expect(try await runCartline(["migrate", "--migrations-dir", folder.path], databaseURL: db.url).status == 0)
            try folder.write("0001_first.sql", "CREATE TABLE one (id bigint);")
            try folder.write("0002_second.sql", "CREATE TABLE two (id int);")
            let refused = try await runCartline(["migrate", "--migrations-dir", folder.path], databaseURL: db.url)
            #expect(refused.status == 1)
            #expect(refused.output.contains("migration 1 (first) was edited after it was applied"))
            // Nothing after the refusal ran.
            let rows = try await db.client.query("SELECT to_regclass('two') IS NULL")
            for try await absent in rows.decode(Bool.self) { #expect(absent) }
        }
    }

    @Test func aFailingMigrationRollsBackAloneAndEarlierOnesStay() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let migrations = [
                Migration(version: 1, name: "good", sql: "CREATE TABLE good (id int);", fileName: "0001_good.sql"),
                Migration(version: 2, name: "bad", sql: "CREATE TABLE half (id int); SELECT no_such_function();", fileName: "0002_bad.sql"),
            ]
            let runner = MigrationRunner(client: db.client, migrations: migrations, logger: TestDatabase.logger)
            await #expect(throws: MigrationError.self) { try await runner.migrate() }
            let statuses = try await runner.status()
            #expect(statuses.map(\.state) == [.applied(checksumMatches: true), .pending])
            let rows = try await db.client.query("SELECT to_regclass('half') IS NULL, to_regclass('good') IS NOT NULL")
            for try await (halfAbsent, goodPresent) in rows.decode((Bool, Bool).self) { #expect(halfAbsent && goodPresent) }
        }
    }

    @Test func aDatabaseWithAMigrationThisBuildLacksIsRefused() async throws {
        try await TestDatabase.with(migrated: true) { db in
            // An older build: it knows every migration but the newest.
            let migrations = try TestDatabase.projectMigrations()
            let newest = try #require(migrations.last)
            let older = MigrationRunner(client: db.client, migrations: Array(migrations.dropLast()), logger: TestDatabase.logger)
            await #expect(throws: MigrationError.unknownApplied(version: newest.version, name: newest.name)) { try await older.migrate() }
        }
    }

    @Test func migrateAgainstADatabaseThatIsDownFailsFastWithAClearMessage() async throws {
        let started = ContinuousClock.now
        let result = try await runCartline(["migrate"], databaseURL: "postgres://postgres@127.0.0.1:1/nothing")
        #expect(result.status == 1)
        #expect(result.output.contains("cannot reach the database at postgres://postgres@127.0.0.1:1/nothing"))
        #expect(ContinuousClock.now - started < .seconds(20))
        let malformed = try await runCartline(["migrate"], databaseURL: "not a url")
        #expect(malformed.status != 0)
        #expect(malformed.output.contains("DATABASE_URL is not usable"))
    }

    @Test func badlyNamedMigrationFilesAreRefused() throws {
        let folder = try MigrationFolder()
        defer { folder.remove() }
        try folder.write("first.sql", "SELECT 1;")
        #expect(throws: MigrationError.badFileName("first.sql")) { try Migration.load(from: URL(fileURLWithPath: folder.path)) }
        try folder.remove("first.sql")
        try folder.write("0001_a.sql", "SELECT 1;")
        try folder.write("01_b.sql", "SELECT 1;")
        #expect(throws: MigrationError.self) { try Migration.load(from: URL(fileURLWithPath: folder.path)) }
    }
}

/// A temporary folder of migration files.
struct MigrationFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("cartline-migrations-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ sql: String) throws {
        try sql.write(toFile: "\(path)/\(name)", atomically: true, encoding: .utf8)
    }

    func remove(_ name: String) throws { try FileManager.default.removeItem(atPath: "\(path)/\(name)") }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
