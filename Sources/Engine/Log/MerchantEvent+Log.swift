import Domain
import EventLog

extension MerchantEvent: LoggedEvent {
    public func encodedForLog() throws(EventLogError) -> EncodedEvent {
        switch self {
        case .registered(let event): try EncodedEvent(event)
        case .updated(let event): try EncodedEvent(event)
        case .retired(let event): try EncodedEvent(event)
        }
    }

    public init(recorded: RecordedEvent) throws(EngineError) {
        switch recorded.type {
        case MerchantRegistered.eventType: self = .registered(try recorded.payload(MerchantRegistered.self))
        case MerchantUpdated.eventType: self = .updated(try recorded.payload(MerchantUpdated.self))
        case MerchantRetired.eventType: self = .retired(try recorded.payload(MerchantRetired.self))
        default: throw recorded.unknownType()
        }
    }
}
