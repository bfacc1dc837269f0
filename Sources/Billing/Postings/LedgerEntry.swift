import Domain
import Foundation

/// Anything the ledger applies: one of the posting events.
public enum LedgerEntry: Hashable, Sendable {
    case transferred(FundsTransferred)
    case holdPlaced(HoldPlaced)
    case holdPosted(HoldPosted)
    case holdVoided(HoldVoided)
    case holdExpired(HoldExpired)

    /// The id that makes applying this entry idempotent.
    public var postingId: String {
        switch self {
        case .transferred(let event): event.postingId
        case .holdPlaced(let event): event.postingId
        case .holdPosted(let event): event.postingId
        case .holdVoided(let event): event.postingId
        case .holdExpired(let event): event.postingId
        }
    }

    public var callId: UUID? {
        switch self {
        case .transferred(let event): event.callId
        case .holdPlaced(let event): event.callId
        case .holdPosted(let event): event.callId
        case .holdVoided(let event): event.callId
        case .holdExpired(let event): event.callId
        }
    }

    public var currency: Currency {
        switch self {
        case .transferred(let event): event.currency
        case .holdPlaced(let event): event.currency
        case .holdPosted(let event): event.currency
        case .holdVoided(let event): event.currency
        case .holdExpired(let event): event.currency
        }
    }

    public var at: Date {
        switch self {
        case .transferred(let event): event.at
        case .holdPlaced(let event): event.at
        case .holdPosted(let event): event.at
        case .holdVoided(let event): event.at
        case .holdExpired(let event): event.at
        }
    }

    /// The stored type name of the event inside.
    public var eventType: String {
        switch self {
        case .transferred: FundsTransferred.eventType
        case .holdPlaced: HoldPlaced.eventType
        case .holdPosted: HoldPosted.eventType
        case .holdVoided: HoldVoided.eventType
        case .holdExpired: HoldExpired.eventType
        }
    }

    /// Every ledger event type, for a replay that reads only these from the log.
    public static let eventTypes: [String] = [FundsTransferred.eventType, HoldPlaced.eventType, HoldPosted.eventType,
                                              HoldVoided.eventType, HoldExpired.eventType]
}
