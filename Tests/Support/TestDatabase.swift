import EventLog
import Foundation
import Logging
import PostgresNIO

/// A fresh, migrated database of a test's own on the cluster `Tools/test` started, dropped
/// afterwards. Tests never share a database, so they can run in parallel.
public struct TestDatabase: Sendable {
    public let name: String
    public let url: String
    public let client: PostgresClient

    public static var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = ProcessInfo.processInfo.environment["CARTLINE_TEST_LOG"] == "debug" ? .debug : .error
        return logger
    }

    /// The admin URL of the test cluster (its `postgres` database).
    public static func adminURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["CARTLINE_TEST_DATABASE_URL"], !url.isEmpty else {
            throw TestSetupError.noDatabase
        }
        return url
    }

    /// Creates a database, runs `body` with a running client (migrated unless told not to), drops it.
    public static func with<T: Sendable>(
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
    public func withEventLog<T: Sendable>(
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
    public func withSecondClient<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let other = PostgresClient(configuration: try DatabaseURL(url).configuration, backgroundLogger: Self.logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { await other.run(); return nil }
            defer { group.cancelAll() }
            return try await body(other)
        }
    }

    /// One dedicated connection, for holding a transaction open by hand.
    public func connect() async throws -> PostgresConnection { try await Self.connection(to: url) }

    public static func connection(to url: String) async throws -> PostgresConnection {
        try await PostgresConnection.connect(configuration: try DatabaseURL(url).connectionConfiguration, id: 1, logger: logger)
    }

    public static func adminExecute(_ sql: String, adminURL: String) async throws {
        let connection = try await connection(to: adminURL)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }

    public static func projectMigrations() throws -> [Migration] {
        try Migration.load(from: projectRoot.appendingPathComponent("Migrations"))
    }

    public static var projectRoot: URL {
        // Tests/Support/TestDatabase.swift → the checkout.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}

public enum TestSetupError: Error, CustomStringConvertible {
    case noDatabase, noBinary(String)

    public var description: String {
        switch self {
        case .noDatabase: "CARTLINE_TEST_DATABASE_URL is not set: run the suite with Tools/test, which starts the test cluster"
        case .noBinary(let searched): "no cartline binary; looked at \(searched)"
        }
    }
}
