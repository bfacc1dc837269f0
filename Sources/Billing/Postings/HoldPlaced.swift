import Domain
import Foundation

/// Reserves `amountMicros` of `account` for a later posting to `counterparty` (two-phase,
/// as TigerBeetle's pending transfers): the balance is unchanged, but the amount no longer
/// counts as available until the hold is posted, voided or expires.
public struct HoldPlaced: EventPayload, Hashable {
    public static let eventType = "HoldPlaced"
    public let postingId: String
    /// Names the hold for its post, void or expiry; unique like a posting id.
    public let holdId: String
    public let callId: UUID?
    public let currency: Currency
    /// Debited when the hold is posted.
    public let account: LedgerAccount
    /// Credited when the hold is posted.
    public let counterparty: LedgerAccount
    public let amountMicros: Int64
    /// From this instant the hold can no longer be posted.
    public let expiresAt: Date
    public let at: Date

    public init(postingId: String, holdId: String, callId: UUID?, currency: Currency, account: LedgerAccount,
                counterparty: LedgerAccount, amountMicros: Int64, expiresAt: Date, at: Date) {
        self.postingId = postingId; self.holdId = holdId; self.callId = callId; self.currency = currency
        self.account = account; self.counterparty = counterparty; self.amountMicros = amountMicros
        self.expiresAt = expiresAt; self.at = at
    }
}
