import Billing
import Domain
import EventLog
import Foundation

extension WalletEvent: LoggedEvent {
    public func encodedForLog() throws(EventLogError) -> EncodedEvent {
        switch self {
        case .transferred(let event): try EncodedEvent(event)
        case .holdPlaced(let event): try EncodedEvent(event)
        case .holdPosted(let event): try EncodedEvent(event)
        case .holdVoided(let event): try EncodedEvent(event)
        case .holdExpired(let event): try EncodedEvent(event)
        case .creditLimited(let event): try EncodedEvent(event)
        case .chargeAccrued(let event): try EncodedEvent(event)
        case .settlementStated(let event): try EncodedEvent(event)
        }
    }

    public init(recorded: RecordedEvent) throws(EngineError) {
        switch recorded.type {
        case FundsTransferred.eventType: self = .transferred(try recorded.payload(FundsTransferred.self))
        case HoldPlaced.eventType: self = .holdPlaced(try recorded.payload(HoldPlaced.self))
        case HoldPosted.eventType: self = .holdPosted(try recorded.payload(HoldPosted.self))
        case HoldVoided.eventType: self = .holdVoided(try recorded.payload(HoldVoided.self))
        case HoldExpired.eventType: self = .holdExpired(try recorded.payload(HoldExpired.self))
        case CallCreditLimited.eventType: self = .creditLimited(try recorded.payload(CallCreditLimited.self))
        case ChargeAccrued.eventType: self = .chargeAccrued(try recorded.payload(ChargeAccrued.self))
        case SettlementStatement.eventType: self = .settlementStated(try recorded.payload(SettlementStatement.self))
        default: throw recorded.unknownType()
        }
    }
}

/// A shopper's wallet stream folded by the engine.
public enum WalletAggregate: Aggregate {
    public static var initialState: WalletState { WalletState() }
    public static func evolve(_ state: WalletState, _ event: WalletEvent) -> WalletState { Wallet.evolve(state, event) }
}
