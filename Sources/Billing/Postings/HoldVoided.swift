import Domain
import Foundation

/// Releases a pending hold in full: nothing moves (the call failed, was cancelled…).
public struct HoldVoided: EventPayload, Hashable {
    public static let eventType = "HoldVoided"
    public let postingId: String
    public let holdId: String
    public let callId: UUID?
    public let currency: Currency
    /// A stable word such as `call-failed`, at most 200 bytes.
    public let reason: String
    public let at: Date

    public init(postingId: String, holdId: String, callId: UUID?, currency: Currency, reason: String, at: Date) {
        self.postingId = postingId; self.holdId = holdId; self.callId = callId; self.currency = currency
        self.reason = reason; self.at = at
    }
}
