import Domain
import EventLog

extension EngagementEvent: LoggedEvent {
    public func encodedForLog() throws(EventLogError) -> EncodedEvent {
        switch self {
        case .idled(let event): try EncodedEvent(event)
        case .evaluated(let event): try EncodedEvent(event)
        case .offered(let event): try EncodedEvent(event)
        case .declined(let event): try EncodedEvent(event)
        case .accepted(let event): try EncodedEvent(event)
        case .callRequested(let event): try EncodedEvent(event)
        case .helpRequested(let event): try EncodedEvent(event)
        case .expired(let event): try EncodedEvent(event)
        }
    }

    public init(recorded: RecordedEvent) throws(EngineError) {
        switch recorded.type {
        case CartIdled.eventType: self = .idled(try recorded.payload(CartIdled.self))
        case EngagementEvaluated.eventType: self = .evaluated(try recorded.payload(EngagementEvaluated.self))
        case CallOffered.eventType: self = .offered(try recorded.payload(CallOffered.self))
        case OfferDeclined.eventType: self = .declined(try recorded.payload(OfferDeclined.self))
        case OfferAccepted.eventType: self = .accepted(try recorded.payload(OfferAccepted.self))
        case CallRequested.eventType: self = .callRequested(try recorded.payload(CallRequested.self))
        case HelpRequested.eventType: self = .helpRequested(try recorded.payload(HelpRequested.self))
        case OfferExpired.eventType: self = .expired(try recorded.payload(OfferExpired.self))
        default: throw recorded.unknownType()
        }
    }
}
