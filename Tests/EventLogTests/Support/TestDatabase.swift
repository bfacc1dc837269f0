import EventLog
import Foundation
import Logging
import PostgresNIO
import Testing

/// A fresh, migrated database of a test's own on the cluster `Tools/test` started, dropped
/// afterwards. Tests never share a database, so they can run in parallel.
struct TestDatabase: Sendable {
    let name: String
    let url: String
    let client: PostgresClient

    static var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = ProcessInfo.processInfo.environment["CARTLINE_TEST_LOG"] == "debug" ? .debug : .error
        return logger
    }

    /// The admin URL of the test cluster (its `postgres` database).
    static func adminURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["CARTLINE_TEST_DATABASE_URL"], !url.isEmpty else {
            Issue.record("CARTLINE_TEST_DATABASE_URL is not set: run the suite with Tools/test, which starts the test cluster")
            throw TestSetupError.noDatabase
        }
        return url
    }

    /// Creates a database, runs `body` with a running client (migrated unless told not to), drops it.
    static func with<T: Sendable>(
        migrated: Bool = true,
        _ body: @Sendable (TestDatabase) async throws -> T
    ) async throws -> T {
        let admin = try adminURL()
        let name = "cartline_test_\(UUID().uuidString.prefix(8).lowercased())"
        try await adminExecute("CREATE DATABASE \(name)", adminURL: admin)
        let url = admin.prefix { $0 != "?" }.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/") + "/\(name)"
        let client = PostgresClient(configuration: try DatabaseURL(url).configuration, backgroundLogger: logger)
        let database = TestDatabase(name: name, url: url, client: client)
        do {
            let result = try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { await client.run(); return nil }
                defer { group.cancelAll() }
                if migrated { try await MigrationRunner(client: client, migrations: try projectMigrations(), logger: logger).migrate() }
                return try await body(database)
            }
            try await adminExecute("DROP DATABASE \(name) WITH (FORCE)", adminURL: admin)
            return result
        } catch {
            try? await adminExecute("DROP DATABASE \(name) WITH (FORCE)", adminURL: admin)
            throw error
        }
    }

    /// Runs an `EventLog` on this database for the duration of `body`.
    func withEventLog<T: Sendable>(
        configure: (inout EventLogConfiguration) -> Void = { _ in },
        _ body: @Sendable (EventLog) async throws -> T
    ) async throws -> T {
        var configuration = EventLogConfiguration()
        configure(&configuration)
        let log = EventLog(client: client, configuration: configuration, logger: Self.logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await log.run(); return nil }
            defer { group.cancelAll() }
            return try await body(log)
        }
    }

    /// A second, independent client on the same database (another "process").
    func withSecondClient<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let other = PostgresClient(configuration: try DatabaseURL(url).configuration, backgroundLogger: Self.logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { await other.run(); return nil }
            defer { group.cancelAll() }
            return try await body(other)
        }
    }

    /// One dedicated connection, for holding a transaction open by hand.
    func connect() async throws -> PostgresConnection { try await Self.connection(to: url) }

    static func connection(to url: String) async throws -> PostgresConnection {
        try await PostgresConnection.connect(configuration: try DatabaseURL(url).connectionConfiguration, id: 1, logger: logger)
    }

    static func adminExecute(_ sql: String, adminURL: String) async throws {
        let connection = try await connection(to: adminURL)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }

    static func projectMigrations() throws -> [Migration] {
        try Migration.load(from: projectRoot.appendingPathComponent("Migrations"))
    }

    static var projectRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }
}

enum TestSetupError: Error { case noDatabase, noBinary(String) }
