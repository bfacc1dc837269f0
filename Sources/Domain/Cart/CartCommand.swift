import Foundation

/// What a shopper asks of a cart (nothing else changes a cart: its version is the shopper's
/// concurrency check). Prices come from the merchant's
/// catalog, looked up by the caller, never from the client.
public enum CartCommand: Equatable, Sendable {
    case open(cartId: UUID, shopperId: UUID, merchantId: String, currency: Currency)
    case addItem(CatalogItem, quantity: Int)
    case changeQuantity(sku: String, quantity: Int)
    case removeItem(sku: String)
    case startCheckout
    case completeCheckout(orderRef: String)
}
