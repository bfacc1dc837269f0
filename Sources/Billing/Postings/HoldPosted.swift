import Domain
import Foundation

/// Completes a hold: `amountMicros` (at most what was held; 0 releases everything) moves
/// from the hold's account to its counterparty, and the rest of the hold is released.
/// `legs` are further movements applied in the same step, such as the platform fee out of
/// the counterparty's share, so the charge and its split are one atomic posting.
public struct HoldPosted: EventPayload, Hashable {
    public static let eventType = "HoldPosted"
    public let postingId: String
    public let holdId: String
    public let callId: UUID?
    /// Must be the hold's currency.
    public let currency: Currency
    public let amountMicros: Int64
    public let legs: [PostingLeg]
    public let at: Date

    public init(postingId: String, holdId: String, callId: UUID?, currency: Currency, amountMicros: Int64,
                legs: [PostingLeg] = [], at: Date) {
        self.postingId = postingId; self.holdId = holdId; self.callId = callId; self.currency = currency
        self.amountMicros = amountMicros; self.legs = legs; self.at = at
    }
}
