import Foundation

/// What a running call reports as it happens; the node turns each into a log event.
public enum CallProgress: Sendable, Equatable {
    /// The handler process started (its pid) on the channel.
    case handlerStarted(pid: Int32?)
    /// The INVITE of a leg (`customer` or `agent`) is on the wire.
    case dialling(leg: String)
    /// The customer's phone rings.
    case ringing(sipStatus: Int)
    /// The customer answered.
    case answered
    /// Customer and agent are bridged: billable time starts.
    case agentBridged
    /// Terminal: the customer had answered.
    case ended(CallEnding)
    /// Terminal: the customer never answered.
    case failed(reason: String, sipStatus: Int?)
}

/// How an answered call ended, with its times in milliseconds.
public struct CallEnding: Sendable, Equatable {
    /// `customer-hangup`, `agent-hangup`, `handler-hangup`, `media-timeout`, `ops-hangup`,
    /// `handler-crashed`, `handler-hung`, `handler-protocol`, `max-duration`, `node-stopping`.
    public var cause: String
    public var sipStatus: Int?
    public var answeredMilliseconds: Int64
    public var billableMilliseconds: Int64

    public init(cause: String, sipStatus: Int?, answeredMilliseconds: Int64, billableMilliseconds: Int64) {
        self.cause = cause; self.sipStatus = sipStatus
        self.answeredMilliseconds = answeredMilliseconds; self.billableMilliseconds = billableMilliseconds
    }
}
