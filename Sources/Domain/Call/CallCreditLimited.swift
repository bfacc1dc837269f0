import Foundation

/// The shopper's wallet pays for `talkSeconds` of conversation on this call and no more:
/// the telephony node running it ends the call when they are spent (its handler hears
/// `800 event=credit-exhausted`; `CallEnded` says `credit-exhausted`), so the wallet never
/// goes below zero. Charging appends it to the wallet's stream with the hold it sizes — never
/// to the call's stream, where only the node appends.
public struct CallCreditLimited: EventPayload {
    public static let eventType = "CallCreditLimited"
    public let callId: UUID
    public let talkSeconds: Int64
    public let at: Date

    public init(callId: UUID, talkSeconds: Int64, at: Date) {
        self.callId = callId; self.talkSeconds = talkSeconds; self.at = at
    }
}
