/// A place in the log's commit-safe order: the writing transaction, then the global position.
///
/// Readers order by `(transactionId, globalPosition)` and read only below the transaction
/// horizon, so a position that commits late is still delivered (docs/architecture.md §3).
public struct LogPosition: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let transactionId: Int64
    public let globalPosition: Int64

    /// Before the first event.
    public static let start = LogPosition(transactionId: 0, globalPosition: 0)

    public init(transactionId: Int64, globalPosition: Int64) {
        self.transactionId = transactionId
        self.globalPosition = globalPosition
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.transactionId, lhs.globalPosition) < (rhs.transactionId, rhs.globalPosition)
    }

    public var description: String { "\(transactionId)/\(globalPosition)" }
}
