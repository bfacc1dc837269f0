import Foundation

/// The engagement of one cart: what was evaluated and offered. Pure: the saga in `Engine`
/// gathers the input and appends what `decide` returns.
public struct EngagementState: Equatable, Sendable {
    public var evaluatedCauses: Set<UUID> = []
    public var offersMade = 0
    public var openOffer: CallOffered?
    public var lastDeclinedAt: Date?

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
        }
        return state
    }
}
