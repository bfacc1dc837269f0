import Foundation

/// How `cartline serve` shares its database: how many connections its pool opens and how
/// long any one log operation may take, from the environment. The operation bound covers
/// the wait for a pool connection as well as the statement, and the server is told the same
/// bound (`statement_timeout`), so a statement the caller gave up on does not hold its
/// connection (and its locks) longer than the caller waited.
struct DatabasePoolSettings: Equatable {
    static let maxConnectionsRange = 2...500
    static let operationTimeoutSecondsRange = 1...300
    /// Connections each role leaves for requests at the least, beyond those it holds for good.
    static let minFreeConnections = 2

    /// Most connections the pool opens (PostgresNIO's default).
    var maxConnections = 20
    /// Longest one log operation (a read, an append, the wait for a connection) may take
    /// before it fails as timed out (503 to a shopper); also the server's `statement_timeout`.
    var operationTimeoutSeconds = 30

    static let help = """
          CARTLINE_DB_MAX_CONNECTIONS  most connections the pool opens, \(maxConnectionsRange.lowerBound)…\(maxConnectionsRange.upperBound)
                                  (default 20); each projection and saga lock, LISTEN,
                                  the node lock keeps one (15 with every role)
          CARTLINE_DB_OPERATION_TIMEOUT_SECONDS  longest wait for one database
                                  operation, connection included, \(operationTimeoutSecondsRange.lowerBound)…\(operationTimeoutSecondsRange.upperBound) (default 30);
                                  then 503 with Retry-After; also statement_timeout
        """

    /// The settings the environment names; the defaults for those it leaves unset.
    static func fromEnvironment(_ environment: [String: String]) throws(DatabasePoolSettingsError) -> DatabasePoolSettings {
        var settings = DatabasePoolSettings()
        if let text = environment["CARTLINE_DB_MAX_CONNECTIONS"] {
            settings.maxConnections = try integer(text, named: "CARTLINE_DB_MAX_CONNECTIONS", in: maxConnectionsRange)
        }
        if let text = environment["CARTLINE_DB_OPERATION_TIMEOUT_SECONDS"] {
            settings.operationTimeoutSeconds = try integer(text, named: "CARTLINE_DB_OPERATION_TIMEOUT_SECONDS", in: operationTimeoutSecondsRange)
        }
        return settings
    }

    /// Refuses a pool that the connections held for good (one per projection lock, LISTEN,
    /// node lock) would leave with fewer than `minFreeConnections` for requests: every
    /// request would wait out the operation timeout.
    func check(heldConnections: Int, heldBy roles: String) throws(DatabasePoolSettingsError) {
        let needed = heldConnections + Self.minFreeConnections
        guard maxConnections >= needed else {
            throw .tooFewConnections(maxConnections, held: heldConnections, roles: roles, needed: needed)
        }
    }

    private static func integer(_ text: String, named name: String, in range: ClosedRange<Int>) throws(DatabasePoolSettingsError) -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw .outOfRange(name, text: String(text.prefix(40)), range: range)
        }
        return value
    }
}

/// A database pool setting `cartline serve` cannot use.
enum DatabasePoolSettingsError: Error, Equatable, CustomStringConvertible {
    case outOfRange(String, text: String, range: ClosedRange<Int>)
    case tooFewConnections(Int, held: Int, roles: String, needed: Int)

    var description: String {
        switch self {
        case .outOfRange(let name, let text, let range):
            "\(name) must be a whole number \(range.lowerBound)…\(range.upperBound), not '\(text)'"
        case .tooFewConnections(let max, let held, let roles, let needed):
            "CARTLINE_DB_MAX_CONNECTIONS is \(max), but the roles \(roles) hold \(held) connections for good "
                + "(projection and saga locks, LISTEN, the node lock) and requests need \(Self.minFree) more: set at least \(needed)"
        }
    }

    private static var minFree: Int { DatabasePoolSettings.minFreeConnections }
}
