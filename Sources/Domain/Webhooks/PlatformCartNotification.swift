import Foundation

/// One cart notification from a shop platform, in Cartline's terms: whatever the platform's
/// format, the parsers produce this value, and only this value is mapped to cart events.
public struct PlatformCartNotification: Equatable, Sendable {
    public enum Kind: String, Equatable, Sendable, Codable {
        /// The cart as it is now (items and quantities); the cart is diffed against it.
        case cartSnapshot
        /// The shopper began checking out (with the items being checked out).
        case checkoutStarted
        /// The shopper paid: the cart is complete.
        case orderPlaced
    }

    /// One line of the platform's cart, priced by the platform (never by the catalog).
    public struct Line: Equatable, Sendable {
        /// The platform's sku, when it has one.
        public let sku: String?
        /// The platform's variant (or product) id, when it has one.
        public let variantId: String?
        public let title: String
        public let quantity: Int
        public let unitPriceMicros: Int64

        public init(sku: String?, variantId: String?, title: String, quantity: Int, unitPriceMicros: Int64) {
            self.sku = sku
            self.variantId = variantId
            self.title = title
            self.quantity = quantity
            self.unitPriceMicros = unitPriceMicros
        }
    }

    public let platform: WebhookPlatform
    public let kind: Kind
    /// The platform's id of the cart (Shopify's cart token, WooCommerce's cart hash or
    /// order id, Cartline format's `cartToken`); nil when the platform gave none (an order
    /// placed without a cart), which leaves no cart to change.
    public let cartToken: String?
    public let customerId: String?
    public let lines: [Line]
    /// Nil when the platform does not say (Shopify's cart topics): the merchant's currency is meant.
    public let currency: Currency?
    /// The platform's id of this event: a second notification with it is a duplicate.
    public let eventId: String
    public let occurredAt: Date?
    /// The platform's order reference (`#1001`, `4750`) of an `orderPlaced`.
    public let orderRef: String?

    public init(platform: WebhookPlatform, kind: Kind, cartToken: String?, customerId: String?, lines: [Line], currency: Currency?,
                eventId: String, occurredAt: Date?, orderRef: String?) {
        self.platform = platform
        self.kind = kind
        self.cartToken = cartToken
        self.customerId = customerId
        self.lines = lines
        self.currency = currency
        self.eventId = eventId
        self.occurredAt = occurredAt
        self.orderRef = orderRef
    }
}
