import Domain
import EventLog

extension ShopperEvent: LoggedEvent {
    public func encodedForLog() throws(EventLogError) -> EncodedEvent {
        switch self {
        case .preferencesSet(let event): try EncodedEvent(event)
        case .consentWithdrawn(let event): try EncodedEvent(event)
        }
    }

    public init(recorded: RecordedEvent) throws(EngineError) {
        switch recorded.type {
        case PreferencesSet.eventType: self = .preferencesSet(try recorded.payload(PreferencesSet.self))
        case ConsentWithdrawn.eventType: self = .consentWithdrawn(try recorded.payload(ConsentWithdrawn.self))
        default: throw recorded.unknownType()
        }
    }
}
