import ArgumentParser
import EventLog
import Foundation
import Logging
import PostgresNIO

/// Where the database is, shared by every subcommand that needs one.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "Postgres URL (default: $DATABASE_URL).")
    var databaseURL: String?

    /// The URL; the server cuts off any statement that runs longer than `statementTimeoutSeconds`.
    func resolvedURL(statementTimeoutSeconds: Int = 30) throws -> DatabaseURL {
        guard let text = databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"], !text.isEmpty else {
            throw ValidationError("no database: set DATABASE_URL or pass --database-url (Tools/db url prints the local one)")
        }
        do { return try DatabaseURL(text, statementTimeoutSeconds: statementTimeoutSeconds) } catch { throw ValidationError(error.description) }
    }

    /// Runs `body` with a running client and stops the client afterwards. Fails at once,
    /// with the reason, when the database cannot be reached.
    func withClient<T: Sendable>(logger: Logger, _ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let url = try resolvedURL()
        try await url.probe(logger: logger)
        var quiet = logger
        quiet.logLevel = .error  // the pool logs every reconnect attempt at info
        let client = PostgresClient(configuration: url.configuration, backgroundLogger: quiet)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { await client.run(); return nil }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}
