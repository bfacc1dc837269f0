import Foundation

/// What happens in an engagement, as stored in `engagement-<cartId>` streams. Each saga
/// step names the event that caused it (`cause`), so a step is taken once per cause.
public enum EngagementEvent: Equatable, Sendable {
    case idled(CartIdled)
    case evaluated(EngagementEvaluated)
    case offered(CallOffered)
    case declined(OfferDeclined)
    case accepted(OfferAccepted)
    case callRequested(CallRequested)
    case helpRequested(HelpRequested)
    case expired(OfferExpired)
}

public struct OfferExpired: EventPayload {
    public static let eventType = "OfferExpired"
    public let offerId: UUID
    public let shopperId: UUID
    public let at: Date
}

/// The shopper pressed the generic help button (or followed the click-to-call link) and
/// the server interpreted it: `call` (a CallRequested follows), `callback` at a later time,
/// or `explain` why not.
public struct HelpRequested: EventPayload {
    public static let eventType = "HelpRequested"
    public let action: String
    public let reason: String?
    public let callbackAt: Date?
    public let via: String
    public let at: Date
}

public struct EngagementEvaluated: EventPayload {
    public static let eventType = "EngagementEvaluated"
    public let cartId: UUID
    /// The `CartIdled` event this evaluation answers.
    public let cause: UUID
    public let decision: EngagementDecision
    public let at: Date
    /// When the cart is worth looking at again: set when only the shopper's quiet hours
    /// stood in the way (their end). Absent otherwise, and in older events.
    public let reconsiderAt: Date?
}

public struct CallOffered: EventPayload {
    public static let eventType = "CallOffered"
    public let offerId: UUID
    public let cartId: UUID
    public let shopperId: UUID
    public let merchantId: String
    public let cause: UUID
    public let expiresAt: Date
    public let at: Date
    /// Who would pay for the call and on what terms, shown to the shopper before accepting
    /// (absent in offers recorded before charging existed).
    public let charge: ChargeTerms?
}

public struct OfferDeclined: EventPayload {
    public static let eventType = "OfferDeclined"
    public let offerId: UUID
    /// Whose offer it was, so every tab of the shopper hears of the decline (absent in
    /// events recorded before it was added).
    public let shopperId: UUID?
    public let at: Date
}
