import PostgresNIO

/// Sorting the errors PostgresNIO throws into what a caller of the log can act on.
enum DatabaseErrorMapping {
    static let uniqueViolation = "23505"
    static let statementTimeout = "57014"

    /// The underlying error, out of PostgresNIO's transaction wrapper.
    static func unwrap(_ error: any Error) -> any Error {
        if let transaction = error as? PostgresTransactionError {
            return transaction.closureError ?? transaction.commitError ?? transaction.beginError ?? error
        }
        return error
    }

    static func sqlState(of error: any Error) -> String? {
        (unwrap(error) as? PSQLError)?.serverInfo?[.sqlState]
    }

    static func isUniqueViolation(_ error: any Error) -> Bool { sqlState(of: error) == uniqueViolation }

    /// The server refused a statement (as opposed to: the connection is gone).
    static func isStatementError(_ error: any Error) -> Bool { (unwrap(error) as? PSQLError)?.code == .server }

    /// The server cut a statement off at its `statement_timeout`: the database is slow, not
    /// the statement wrong, so trying its parts again one by one would only wait longer.
    static func isStatementTimeout(_ error: any Error) -> Bool { sqlState(of: error) == statementTimeout }

    /// Database failures become `EventLogError`; errors of the caller's own code pass through.
    static func translate(_ error: any Error) -> any Error {
        let inner = unwrap(error)
        if inner is PSQLError || inner is EventLogError || inner is CancellationError { return map(inner) }
        return inner
    }

    static func map(_ error: any Error) -> EventLogError {
        let error = unwrap(error)
        if let logError = error as? EventLogError { return logError }
        if error is CancellationError { return .shuttingDown }
        if let psql = error as? PSQLError {
            if psql.code == .server {
                let state = psql.serverInfo?[.sqlState] ?? "?"
                let message = psql.serverInfo?[.message] ?? "unknown"
                // 57014: statement_timeout; 53300: too many connections.
                if state == statementTimeout { return .timedOut(operation: "statement (cut off by the database's statement_timeout)", seconds: 0) }
                return .database("\(message) (SQLSTATE \(state))")
            }
            return .unavailable(String(reflecting: psql.code))
        }
        return .unavailable(String(describing: error))
    }
}
