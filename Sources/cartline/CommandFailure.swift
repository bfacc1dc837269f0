import Engine
import EventLog
import PostgresNIO

/// One clear line for any failure a command reports, never a stack trace.
enum CommandFailure {
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as MigrationError: error.description
        case let error as DatabaseURLError: error.description
        case let error as EventLogError: error.description
        case let error as TimeLimitExceeded: error.description
        case let error as EngineError: error.description
        case let error as PSQLError:
            if let message = error.serverInfo?[.message] { "database error: \(message)" }
            else { "cannot reach the database (\(String(reflecting: error.code)))" }
        default: String(describing: error)
        }
    }
}

struct TimeLimitExceeded: Error, CustomStringConvertible {
    let what: String
    let seconds: Int
    var description: String { "\(what) did not finish within \(seconds) s: is the database up? (Tools/db status)" }
}

/// Bounds a command: a database that does not answer must not make it hang.
func withTimeLimit<T: Sendable>(seconds: Int, what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask { try await Task.sleep(for: .seconds(seconds)); return nil }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw TimeLimitExceeded(what: what, seconds: seconds) }
        return value
    }
}
