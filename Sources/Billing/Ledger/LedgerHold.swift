import Domain
import Foundation

/// A hold as the ledger knows it: what `HoldPlaced` reserved and how it ended.
public struct LedgerHold: Hashable, Sendable {
    /// Where a hold is in its life; it leaves `pending` exactly once.
    public enum State: Hashable, Sendable, CustomStringConvertible {
        case pending
        case posted(amountMicros: Int64)
        case voided
        case expired

        public var description: String {
            switch self {
            case .pending: "pending"
            case .posted(let amountMicros): "posted (\(amountMicros) micros)"
            case .voided: "voided"
            case .expired: "expired"
            }
        }
    }

    public let holdId: String
    /// The posting id of the `HoldPlaced` that made it.
    public let placedBy: String
    public let callId: UUID?
    public let currency: Currency
    public let account: LedgerAccount
    public let counterparty: LedgerAccount
    public let amountMicros: Int64
    public let expiresAt: Date
    public internal(set) var state: State

    public var isPending: Bool { state == .pending }
}
