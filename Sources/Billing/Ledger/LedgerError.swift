import Domain
import Foundation

/// Why the ledger, metering, charge plan or invoice refused an input. Each case says what a
/// caller can do: `duplicate` is a redelivery (treat it as success), `invalid` is a malformed
/// entry (a bug upstream, never retry), the rest are refusals the current state explains.
public enum LedgerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input itself is wrong: a non-positive amount, mixed currencies, a bad id.
    case invalid(String)
    /// The posting id or hold id was applied before: a redelivery, already in the ledger.
    case duplicate(id: String)
    /// The entry would take an account that must not go negative below zero (available).
    case insufficientFunds(account: LedgerAccount, currency: Currency, availableMicros: Int64, requiredMicros: Int64)
    /// The entry names a hold the ledger never saw placed.
    case unknownHold(holdId: String)
    /// The hold was already posted, voided or expired: each hold ends exactly once.
    case holdNotPending(holdId: String, state: LedgerHold.State)
    /// The hold reached its expiry before it was posted; its funds go back to the account.
    case holdExpired(holdId: String, expiresAt: Date)
    /// A `HoldExpired` arrived before the hold's expiry.
    case holdNotYetExpired(holdId: String, expiresAt: Date)
    /// A hold was posted for more than it reserved.
    case exceedsHold(holdId: String, heldMicros: Int64, requestedMicros: Int64)
    /// A sum left the range of `Int64` micros (about 9.2 trillion units): refused, never wrapped.
    case overflow(String)
    /// A bound of `LedgerLimits` was reached; the entry was not applied.
    case capacityReached(String)

    public var description: String {
        switch self {
        case .invalid(let reason): reason
        case .duplicate(let id): "\(id) was already applied (a redelivery)"
        case .insufficientFunds(let account, let currency, let available, let required):
            "\(account) has \(Money(amountMicros: available, currency: currency)) available, "
                + "needs \(Money(amountMicros: required, currency: currency)) (\(required) micros)"
        case .unknownHold(let holdId): "no hold \(holdId)"
        case .holdNotPending(let holdId, let state): "hold \(holdId) is already \(state)"
        case .holdExpired(let holdId, let expiresAt): "hold \(holdId) expired at \(expiresAt.formatted(.iso8601))"
        case .holdNotYetExpired(let holdId, let expiresAt): "hold \(holdId) does not expire before \(expiresAt.formatted(.iso8601))"
        case .exceedsHold(let holdId, let held, let requested): "hold \(holdId) reserved \(held) micros, cannot post \(requested)"
        case .overflow(let what): "\(what) is out of range"
        case .capacityReached(let what): what
        }
    }
}
