import Foundation

extension EngagementSaga {
    /// The cart's purchase was concluded elsewhere (an order from the merchant's shop): an
    /// offer still open closes at once, so no call is offered to someone who just paid. It is
    /// recorded as `OfferExpired` (at `now`, before its expiry), which every tab and read model
    /// already treats as the offer's end. Nothing when no offer is open.
    public static func withdrawOpenOffer(state: EngagementState, now: Date) -> [EngagementEvent] {
        guard let offer = state.openOffer else { return [] }
        return [.expired(OfferExpired(offerId: offer.offerId, shopperId: offer.shopperId, at: now))]
    }
}
