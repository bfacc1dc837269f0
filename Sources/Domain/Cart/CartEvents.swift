import Foundation

/// What happens to a cart, as stored in `cart-<id>` streams.
public enum CartEvent: Equatable, Sendable {
    case opened(CartOpened)
    case itemAdded(ItemAdded)
    case itemRemoved(ItemRemoved)
    case quantityChanged(QuantityChanged)
    case checkoutStarted(CheckoutStarted)
    case checkoutCompleted(CheckoutCompleted)
    case idled(CartIdled)
}

public struct CartOpened: EventPayload {
    public static let eventType = "CartOpened"
    public let cartId: UUID
    public let shopperId: UUID
    public let merchantId: String
    public let currency: Currency
    public let openedAt: Date
}

public struct ItemAdded: EventPayload {
    public static let eventType = "ItemAdded"
    public let sku: String
    public let name: String
    public let unitPrice: Money
    public let quantity: Int
    public let at: Date
}

public struct ItemRemoved: EventPayload {
    public static let eventType = "ItemRemoved"
    public let sku: String
    public let at: Date
}

public struct QuantityChanged: EventPayload {
    public static let eventType = "QuantityChanged"
    public let sku: String
    public let quantity: Int
    public let at: Date
}

public struct CheckoutStarted: EventPayload {
    public static let eventType = "CheckoutStarted"
    public let at: Date
}

public struct CheckoutCompleted: EventPayload {
    public static let eventType = "CheckoutCompleted"
    public let orderRef: String
    public let total: Money
    public let at: Date

    public init(orderRef: String, total: Money, at: Date) {
        self.orderRef = orderRef
        self.total = total
        self.at = at
    }
}

/// The idle scheduler's mark: the cart has had no change since `idleSinceVersion`. It is
/// appended to the cart's engagement stream, never to the cart's own (whose version is the
/// shopper's concurrency check); the saga ignores it if the cart has moved on since.
/// Older logs hold it in the cart's stream too, and those are still read.
public struct CartIdled: EventPayload {
    public static let eventType = "CartIdled"
    public let at: Date
    public let idleSinceVersion: Int64
    /// Set when the cart is looked at again because what stood in the way has passed (the
    /// shopper's quiet hours ended): the cause of the evaluation being reconsidered.
    public let reconsidering: UUID?

    public init(at: Date, idleSinceVersion: Int64, reconsidering: UUID? = nil) {
        self.at = at
        self.idleSinceVersion = idleSinceVersion
        self.reconsidering = reconsidering
    }
}
