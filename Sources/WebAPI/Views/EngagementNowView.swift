import Domain
import Foundation

/// `GET /v1/engagement`: what the shopper's page shows, from the server — the offer open
/// now and the latest call (under way, or over within the last minutes) — so that every
/// tab and every reload show the same, true state.
struct EngagementNowView: Encodable, Sendable {
    let offer: OfferView?
    let call: CallView?
}
