import Foundation

/// What happens to a call, as stored in its `call-<callId>` stream: the intent first, then
/// what the telephony node that claimed it observed. Only the node appends after
/// `CallRequested`, and only after winning `ChannelAssigned` at the stream's next version.
public enum CallEvent: Equatable, Sendable {
    case requested(CallRequested)
    case channelAssigned(ChannelAssigned)
    case ringing(CallRinging)
    case answered(CallAnswered)
    case agentBridged(AgentBridged)
    case ended(CallEnded)
    case failed(CallFailed)
    case cancelRequested(CallCancelRequested)
}

/// A node claimed the call: it alone places it.
public struct ChannelAssigned: EventPayload {
    public static let eventType = "ChannelAssigned"
    public let callId: UUID
    public let node: String
    public let channel: Int
    public let handlerPid: Int32?
    public let at: Date

    public init(callId: UUID, node: String, channel: Int, handlerPid: Int32?, at: Date) {
        self.callId = callId; self.node = node; self.channel = channel; self.handlerPid = handlerPid; self.at = at
    }
}

/// The customer's phone rings (a 180/183 came back).
public struct CallRinging: EventPayload {
    public static let eventType = "CallRinging"
    public let callId: UUID
    public let sipStatus: Int
    public let at: Date

    public init(callId: UUID, sipStatus: Int, at: Date) { self.callId = callId; self.sipStatus = sipStatus; self.at = at }
}

/// The customer picked up.
public struct CallAnswered: EventPayload {
    public static let eventType = "CallAnswered"
    public let callId: UUID
    public let at: Date

    public init(callId: UUID, at: Date) { self.callId = callId; self.at = at }
}

/// The sales agent answered and the two legs are talking.
public struct AgentBridged: EventPayload {
    public static let eventType = "AgentBridged"
    public let callId: UUID
    public let agentName: String
    public let at: Date

    public init(callId: UUID, agentName: String, at: Date) { self.callId = callId; self.agentName = agentName; self.at = at }
}

/// An answered call is over. `billableMilliseconds` counts from the agent joining (the
/// conversation) to the end; `answeredMilliseconds` from the customer's answer.
public struct CallEnded: EventPayload {
    public static let eventType = "CallEnded"
    public let callId: UUID
    /// `customer-hangup`, `agent-hangup`, `handler-hangup`, `media-timeout`, `ops-hangup`,
    /// `credit-exhausted`, `node-draining` …
    public let cause: String
    public let sipStatus: Int?
    public let answeredMilliseconds: Int64
    public let billableMilliseconds: Int64
    public let at: Date

    public init(callId: UUID, cause: String, sipStatus: Int?, answeredMilliseconds: Int64, billableMilliseconds: Int64, at: Date) {
        self.callId = callId; self.cause = cause; self.sipStatus = sipStatus
        self.answeredMilliseconds = answeredMilliseconds; self.billableMilliseconds = billableMilliseconds; self.at = at
    }
}

/// The call never became a conversation with the customer. `reason` is a stable word:
/// `busy`, `declined`, `no-answer`, `not-found`, `unavailable`, `auth-failed`,
/// `network-timeout`, `handler-crashed`, `handler-hung`, `handler-protocol`,
/// `handler-failed`, `node-restarted`, `no-channel`, `destination-unreadable` …
public struct CallFailed: EventPayload {
    public static let eventType = "CallFailed"
    public let callId: UUID
    public let reason: String
    public let sipStatus: Int?
    public let at: Date

    public init(callId: UUID, reason: String, sipStatus: Int?, at: Date) {
        self.callId = callId; self.reason = reason; self.sipStatus = sipStatus; self.at = at
    }
}

/// The shopper asked to cancel a call that a node had already claimed but that was not yet
/// connected: the node that placed it hangs up (`CallFailed` with `shopper-cancelled`
/// follows). A call no node had claimed is failed at once instead (see `Call.cancel`).
public struct CallCancelRequested: EventPayload {
    public static let eventType = "CallCancelRequested"
    public let callId: UUID
    public let at: Date

    public init(callId: UUID, at: Date) { self.callId = callId; self.at = at }
}
