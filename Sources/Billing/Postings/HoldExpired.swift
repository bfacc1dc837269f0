import Domain
import Foundation

/// A pending hold reached its expiry and is released in full (see `Ledger.expireHolds`).
public struct HoldExpired: EventPayload, Hashable {
    public static let eventType = "HoldExpired"
    public let postingId: String
    public let holdId: String
    public let callId: UUID?
    public let currency: Currency
    public let at: Date

    public init(postingId: String, holdId: String, callId: UUID?, currency: Currency, at: Date) {
        self.postingId = postingId; self.holdId = holdId; self.callId = callId; self.currency = currency; self.at = at
    }

    /// The posting id an expiry of `holdId` carries: derived, so every expirer agrees on it
    /// and a second expiry of the same hold is a `.duplicate`.
    public static func postingId(forHold holdId: String) -> String { "expire:\(holdId)" }
}
