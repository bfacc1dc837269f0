import Domain
import Foundation

/// `event: offer` for an open offer of a call.
struct OfferView: Encodable, Sendable {
    let status = "open"
    let offerId: String
    let cartId: String
    let merchantId: String
    let expiresAt: Date
    /// Who pays and what it costs (absent for offers made before charging existed).
    let price: CallPriceView?

    init(_ offer: CallOffered) {
        self.offerId = offer.offerId.uuidString.lowercased()
        self.cartId = offer.cartId.uuidString.lowercased()
        self.merchantId = offer.merchantId
        self.expiresAt = offer.expiresAt
        self.price = offer.charge.map(CallPriceView.init)
    }
}
