import Domain
import EventLog

extension TelephonyNodeEvent: LoggedEvent {
    public func encodedForLog() throws(EventLogError) -> EncodedEvent {
        switch self {
        case .announced(let event): try EncodedEvent(event)
        case .draining(let event): try EncodedEvent(event)
        case .resumed(let event): try EncodedEvent(event)
        case .stopped(let event): try EncodedEvent(event)
        }
    }

    public init(recorded: RecordedEvent) throws(EngineError) {
        switch recorded.type {
        case NodeAnnounced.eventType: self = .announced(try recorded.payload(NodeAnnounced.self))
        case NodeDraining.eventType: self = .draining(try recorded.payload(NodeDraining.self))
        case NodeResumed.eventType: self = .resumed(try recorded.payload(NodeResumed.self))
        case NodeStopped.eventType: self = .stopped(try recorded.payload(NodeStopped.self))
        default: throw recorded.unknownType()
        }
    }
}
