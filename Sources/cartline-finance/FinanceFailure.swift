import EventLog
import PostgresNIO

/// Why a finance command could not finish; each prints as one clear line.
enum FinanceFailure: Error, CustomStringConvertible {
    case noDatabase
    case badDatabaseURL(String)
    case unreachable(String)
    case database(String)
    case output(path: String, reason: String)
    case limitExceeded(String)

    var description: String {
        switch self {
        case .noDatabase: "no database: pass --database-url or set CARTLINE_DATABASE_URL"
        case .badDatabaseURL(let reason): reason
        case .unreachable(let reason): reason
        case .database(let reason): "database error: \(reason)"
        case .output(let path, let reason): "cannot write \(path): \(reason)"
        case .limitExceeded(let what): what
        }
    }

    /// One line for any error a command meets, never a stack trace.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as FinanceFailure: error.description
        case let error as DatabaseURLError: error.description
        case let error as PSQLError:
            if let message = error.serverInfo?[.message] { "database error: \(message)" }
            else { "database error (\(String(reflecting: error.code)))" }
        default: String(describing: error)
        }
    }
}
