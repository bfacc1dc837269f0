import Domain
import EventLog
import Foundation

extension CallEvent: LoggedEvent {
    public func encodedForLog() throws(EventLogError) -> EncodedEvent {
        switch self {
        case .requested(let event): try EncodedEvent(event)
        case .channelAssigned(let event): try EncodedEvent(event)
        case .ringing(let event): try EncodedEvent(event)
        case .answered(let event): try EncodedEvent(event)
        case .agentBridged(let event): try EncodedEvent(event)
        case .ended(let event): try EncodedEvent(event)
        case .failed(let event): try EncodedEvent(event)
        case .cancelRequested(let event): try EncodedEvent(event)
        }
    }

    public init(recorded: RecordedEvent) throws(EngineError) {
        switch recorded.type {
        case CallRequested.eventType: self = .requested(try recorded.payload(CallRequested.self))
        case ChannelAssigned.eventType: self = .channelAssigned(try recorded.payload(ChannelAssigned.self))
        case CallRinging.eventType: self = .ringing(try recorded.payload(CallRinging.self))
        case CallAnswered.eventType: self = .answered(try recorded.payload(CallAnswered.self))
        case AgentBridged.eventType: self = .agentBridged(try recorded.payload(AgentBridged.self))
        case CallEnded.eventType: self = .ended(try recorded.payload(CallEnded.self))
        case CallFailed.eventType: self = .failed(try recorded.payload(CallFailed.self))
        case CallCancelRequested.eventType: self = .cancelRequested(try recorded.payload(CallCancelRequested.self))
        default: throw recorded.unknownType()
        }
    }
}

/// The call stream folded by the engine.
public enum CallAggregate: Aggregate {
    public static var initialState: CallState { CallState() }
    public static func evolve(_ state: CallState, _ event: CallEvent) -> CallState { Call.evolve(state, event) }
}

extension EventIDs {
    /// The id of a call's event of one kind (`assigned:<node>`, `ringing`, `answered`,
    /// `bridged`, `outcome`): derived from the call, so a retried or racing append of the
    /// same fact finds the first instead of writing a second.
    public static func callEvent(_ callId: UUID, _ kind: String) -> UUID {
        uuid(hashing: "call-event:\(callId.uuidString.lowercased()):\(kind)")
    }
}
