import Domain
import Foundation

/// An atomic multi-leg posting in one currency. Corrections are new postings: a reversal
/// carries `reason: .reversal`, `reverses: <posting id>` and the original's legs swapped;
/// nothing in the ledger is ever edited.
public struct FundsTransferred: EventPayload, Hashable {
    public static let eventType = "FundsTransferred"
    public typealias Leg = PostingLeg

    /// Derived by the caller from the causing event, so a retry carries the same id.
    public let postingId: String
    public let callId: UUID?
    public let currency: Currency
    public let legs: [PostingLeg]
    public let reason: PostingReason
    /// The posting this one reverses, for `reason == .reversal` only.
    public let reverses: String?
    public let at: Date

    public init(postingId: String, callId: UUID?, currency: Currency, legs: [PostingLeg], reason: PostingReason,
                reverses: String? = nil, at: Date) {
        self.postingId = postingId; self.callId = callId; self.currency = currency; self.legs = legs
        self.reason = reason; self.reverses = reverses; self.at = at
    }

    /// The correction of this posting: the same legs swapped, under a new posting id.
    public func reversal(postingId: String, at: Date) -> FundsTransferred {
        FundsTransferred(postingId: postingId, callId: callId, currency: currency, legs: legs.map(\.swapped),
                         reason: .reversal, reverses: self.postingId, at: at)
    }
}
