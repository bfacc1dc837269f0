import ArgumentParser
import EventLog
import Foundation
import Logging
import PostgresNIO

/// `--database-url`, shared by every subcommand: finance may read a replica, not the primary.
struct DatabaseOptions: ParsableArguments {
    /// The environment variable consulted when `--database-url` is not given.
    static let environmentVariable = "CARTLINE_DATABASE_URL"

    @Option(name: .customLong("database-url"), help: "Postgres URL to read (default: $CARTLINE_DATABASE_URL).")
    var databaseURL: String?

    func resolvedURL() throws(FinanceFailure) -> DatabaseURL {
        guard let text = databaseURL ?? ProcessInfo.processInfo.environment[Self.environmentVariable], !text.isEmpty else {
            throw .noDatabase
        }
        do { return try DatabaseURL(text, statementTimeoutSeconds: 300) } catch { throw .badDatabaseURL(error.description) }
    }

    /// Runs `body` with a running client, stopped afterwards; fails at once, with the reason,
    /// when the database cannot be reached (a pool would retry forever).
    func withClient<T>(logger: Logger, _ body: (PostgresClient) async throws -> T) async throws -> T {
        let url = try resolvedURL()
        do { try await url.probe(logger: logger) } catch { throw FinanceFailure.unreachable(error.description) }
        let client = PostgresClient(configuration: url.configuration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
