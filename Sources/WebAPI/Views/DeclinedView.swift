/// The answer to declining an offer.
struct DeclinedView: Codable, Sendable {
    let offerId: String
    let status: String
}
