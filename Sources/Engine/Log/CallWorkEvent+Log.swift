import Domain
import EventLog
import Foundation

extension CallWorkEvent: LoggedEvent {
    public func encodedForLog() throws(EventLogError) -> EncodedEvent {
        switch self {
        case .claimed(let event): try EncodedEvent(event)
        case .outcomeRecorded(let event): try EncodedEvent(event)
        }
    }

    public init(recorded: RecordedEvent) throws(EngineError) {
        switch recorded.type {
        case CallClaimed.eventType: self = .claimed(try recorded.payload(CallClaimed.self))
        case CallOutcomeRecorded.eventType: self = .outcomeRecorded(try recorded.payload(CallOutcomeRecorded.self))
        default: throw recorded.unknownType()
        }
    }
}

/// The agents' work on one call, folded by the engine.
public enum CallWorkAggregate: Aggregate {
    public static var initialState: CallWorkState { CallWorkState() }
    public static func evolve(_ state: CallWorkState, _ event: CallWorkEvent) -> CallWorkState { CallWork.evolve(state, event) }
}

extension StreamName {
    /// `callwork-<callId>`: claims and outcomes of one call, apart from the call's own stream.
    public static func callWork(_ callId: UUID) throws(EventLogError) -> StreamName {
        try StreamName("callwork-\(callId.uuidString.lowercased())")
    }
}
