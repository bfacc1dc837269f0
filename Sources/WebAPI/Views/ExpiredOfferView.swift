/// `event: offer` when an offer lapses: the page withdraws it.
struct ExpiredOfferView: Codable, Sendable {
    let offerId: String
    let status: String
}
