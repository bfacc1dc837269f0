import Foundation

/// The engagement of one cart: what was evaluated and offered. Pure: the saga in `Engine`
/// gathers the input and appends what `decide` returns.
public struct EngagementState: Equatable, Sendable {
    public var evaluatedCauses: Set<UUID> = []
    public var offersMade = 0
    public var openOffer: CallOffered?
    public var lastDeclinedAt: Date?
    public var acceptedOffers: Set<UUID> = []
    public var call: CallRequested?

    public init() {}
}

public enum EngagementSaga {
    /// Answers a `CartIdled` (`cause`): evaluates the rules once per cause and, when they
    /// say yes, offers a call that expires after the merchant's offer TTL. `offerId` is
    /// passed in (derived from the cause by the caller) so a retry offers the same id.
    public static func decide(idled cause: UUID, input: EngagementInput, shopperId: UUID, merchantId: String,
                              offerId: UUID, state: EngagementState) -> [EngagementEvent] {
        guard !state.evaluatedCauses.contains(cause) else { return [] }
        let decision = Engagement.evaluate(input)
        var events: [EngagementEvent] = [.evaluated(EngagementEvaluated(cartId: input.cartId, cause: cause, decision: decision, at: input.now))]
        if decision.offer {
            events.append(.offered(CallOffered(
                offerId: offerId, cartId: input.cartId, shopperId: shopperId, merchantId: merchantId, cause: cause,
                expiresAt: input.now.addingTimeInterval(Double(input.rules.offerTTLSeconds)), at: input.now)))
        }
        return events
    }

    public static func evolve(_ state: EngagementState, _ event: EngagementEvent) -> EngagementState {
        var state = state
        switch event {
        case .evaluated(let evaluated):
            state.evaluatedCauses.insert(evaluated.cause)
        case .offered(let offered):
            state.offersMade += 1
            state.openOffer = offered
        case .declined(let declined):
            if state.openOffer?.offerId == declined.offerId { state.openOffer = nil }
            state.lastDeclinedAt = declined.at
        case .accepted(let accepted):
            if state.openOffer?.offerId == accepted.offerId { state.openOffer = nil }
            state.acceptedOffers.insert(accepted.offerId)
        case .callRequested(let call):
            state.call = call
        }
        return state
    }

    /// The shopper accepts `offerId`: only an open, unexpired offer of a cart still
    /// unconcluded; the destination comes from the preferences (PSTN → the E.164 number,
    /// VoIP → the SIP URI) and the merchant's first sales agent takes the call.
    public static func accept(offerId: UUID, callId: UUID, cart: CartState, preferences: ContactPreferences?,
                              agents: [SalesAgent], state: EngagementState, now: Date) throws(DomainError) -> [EngagementEvent] {
        if state.acceptedOffers.contains(offerId) { return [] }  // a retried accept
        guard let offer = state.openOffer, offer.offerId == offerId else { throw .rejected("the offer is no longer open") }
        guard now < offer.expiresAt else { throw .rejected("the offer expired") }
        guard cart.status != .completed, !cart.lines.isEmpty else { throw .rejected("the purchase is already concluded") }
        guard let preferences else { throw .rejected("set how we may reach you (preferences) first") }
        guard preferences.consent else { throw .rejected("calls need your consent (preferences)") }
        let destination: String? = preferences.mode == .pstn ? preferences.phone : preferences.sipUri
        guard let destination else { throw .rejected("your preferences name no \(preferences.mode == .pstn ? "phone number" : "SIP URI")") }
        guard let agent = agents.first else { throw .rejected("the merchant has no sales agent to take the call") }
        let call = CallRequested(callId: callId, offerId: offerId, cartId: cart.id, shopperId: cart.shopperId, merchantId: cart.merchantId,
                                 mode: preferences.mode, destination: destination, agentName: agent.name, agentSipUri: agent.sipUri, at: now)
        return [.accepted(OfferAccepted(offerId: offerId, mode: preferences.mode, callId: callId, at: now)), .callRequested(call)]
    }

    public static func decline(offerId: UUID, state: EngagementState, now: Date) throws(DomainError) -> [EngagementEvent] {
        guard let offer = state.openOffer, offer.offerId == offerId else {
            if state.lastDeclinedAt != nil { return [] }  // a retried decline
            throw .rejected("the offer is no longer open")
        }
        return [.declined(OfferDeclined(offerId: offerId, at: now))]
    }
}
