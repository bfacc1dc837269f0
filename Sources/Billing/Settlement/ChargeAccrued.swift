import Domain
import Foundation

/// A small charge (below the merchant's settlement threshold) was taken from the wallet into
/// the shopper's `accruedCharges` account at that merchant, to be settled with the period's
/// other small charges in one posting. Appended with the `HoldPosted` that moved it.
public struct ChargeAccrued: EventPayload, Hashable {
    public static let eventType = "ChargeAccrued"
    public let callId: UUID
    public let merchantId: String
    public let currency: Currency
    public let chargeMicros: Int64
    /// The platform's share of this charge (rounded once, here, so the statement adds up).
    public let platformFeeMicros: Int64
    public let at: Date

    public init(callId: UUID, merchantId: String, currency: Currency, chargeMicros: Int64, platformFeeMicros: Int64, at: Date) {
        self.callId = callId; self.merchantId = merchantId; self.currency = currency
        self.chargeMicros = chargeMicros; self.platformFeeMicros = platformFeeMicros; self.at = at
    }
}
