import Domain
import EventLog
import Foundation

extension MerchantUserEvent: LoggedEvent {
    public func encodedForLog() throws(EventLogError) -> EncodedEvent {
        switch self {
        case .invited(let event): try EncodedEvent(event)
        case .passwordSet(let event): try EncodedEvent(event)
        case .signedIn(let event): try EncodedEvent(event)
        case .attemptFailed(let event): try EncodedEvent(event)
        case .signedOut(let event): try EncodedEvent(event)
        case .revoked(let event): try EncodedEvent(event)
        }
    }

    public init(recorded: RecordedEvent) throws(EngineError) {
        switch recorded.type {
        case MerchantUserInvited.eventType: self = .invited(try recorded.payload(MerchantUserInvited.self))
        case MerchantPasswordSet.eventType: self = .passwordSet(try recorded.payload(MerchantPasswordSet.self))
        case MerchantUserSignedIn.eventType: self = .signedIn(try recorded.payload(MerchantUserSignedIn.self))
        case MerchantSignInFailed.eventType: self = .attemptFailed(try recorded.payload(MerchantSignInFailed.self))
        case MerchantUserSignedOut.eventType: self = .signedOut(try recorded.payload(MerchantUserSignedOut.self))
        case MerchantUserRevoked.eventType: self = .revoked(try recorded.payload(MerchantUserRevoked.self))
        default: throw recorded.unknownType()
        }
    }
}

/// A merchant's console users as the engine folds them.
public enum MerchantUsersAggregate: Aggregate {
    public static var initialState: MerchantUsersState { MerchantUsersState() }
    public static func evolve(_ state: MerchantUsersState, _ event: MerchantUserEvent) -> MerchantUsersState { MerchantUsers.evolve(state, event) }
}

extension StreamName {
    /// `merchantusers-<merchantId>`: the merchant's console users. Merchant ids are validated before they get here.
    public static func merchantUsers(_ merchantId: String) throws(EventLogError) -> StreamName {
        try StreamName("merchantusers-\(merchantId)")
    }
}
