import Domain
import EventLog

extension CartEvent: LoggedEvent {
    public func encodedForLog() throws(EventLogError) -> EncodedEvent {
        switch self {
        case .opened(let event): try EncodedEvent(event)
        case .itemAdded(let event): try EncodedEvent(event)
        case .itemRemoved(let event): try EncodedEvent(event)
        case .quantityChanged(let event): try EncodedEvent(event)
        case .checkoutStarted(let event): try EncodedEvent(event)
        case .checkoutCompleted(let event): try EncodedEvent(event)
        case .idled(let event): try EncodedEvent(event)
        }
    }

    public init(recorded: RecordedEvent) throws(EngineError) {
        switch recorded.type {
        case CartOpened.eventType: self = .opened(try recorded.payload(CartOpened.self))
        case ItemAdded.eventType: self = .itemAdded(try recorded.payload(ItemAdded.self))
        case ItemRemoved.eventType: self = .itemRemoved(try recorded.payload(ItemRemoved.self))
        case QuantityChanged.eventType: self = .quantityChanged(try recorded.payload(QuantityChanged.self))
        case CheckoutStarted.eventType: self = .checkoutStarted(try recorded.payload(CheckoutStarted.self))
        case CheckoutCompleted.eventType: self = .checkoutCompleted(try recorded.payload(CheckoutCompleted.self))
        case CartIdled.eventType: self = .idled(try recorded.payload(CartIdled.self))
        default: throw recorded.unknownType()
        }
    }
}
