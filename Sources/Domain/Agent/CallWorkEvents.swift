import Foundation

/// What sales agents did about one call, as stored in its `callwork-<callId>` stream, beside
/// (never in) the call's own stream, which only the telephony node writes.
public enum CallWorkEvent: Equatable, Sendable {
    case claimed(CallClaimed)
    case outcomeRecorded(CallOutcomeRecorded)
}

/// An agent took the call on: from now on only they record its outcome.
public struct CallClaimed: EventPayload {
    public static let eventType = "CallClaimed"
    public let callId: UUID
    public let merchantId: String
    public let agentName: String
    public let at: Date

    public init(callId: UUID, merchantId: String, agentName: String, at: Date) {
        self.callId = callId; self.merchantId = merchantId; self.agentName = agentName; self.at = at
    }
}

/// How the call went, in the agent's word; a later one replaces it.
public struct CallOutcomeRecorded: EventPayload {
    public static let eventType = "CallOutcomeRecorded"
    public let callId: UUID
    public let merchantId: String
    public let agentName: String
    public let outcome: CallOutcome
    public let note: String?
    public let at: Date

    public init(callId: UUID, merchantId: String, agentName: String, outcome: CallOutcome, note: String?, at: Date) {
        self.callId = callId; self.merchantId = merchantId; self.agentName = agentName
        self.outcome = outcome; self.note = note; self.at = at
    }
}

/// The outcomes an agent can record.
public enum CallOutcome: String, Codable, Sendable, CaseIterable {
    case sold
    case followUp = "follow-up"
    case noAnswer = "no-answer"
}
