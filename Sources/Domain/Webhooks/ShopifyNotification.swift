import Foundation

/// Shopify's cart webhooks, in its documented JSON shapes:
/// - `carts/create`, `carts/update`: the cart (`token`, `line_items[]` with `variant_id`,
///   `sku`, `title`, `quantity`, `price` as a decimal string) — a cart snapshot;
/// - `checkouts/create`: the checkout (`cart_token`, `customer.id`, `currency`, `line_items[]`)
///   — checkout started;
/// - `orders/create`: the order (`id`, `name`, `cart_token`, `customer.id`, `currency`,
///   `line_items[]`) — the cart is complete.
/// Headers: `X-Shopify-Topic`, `X-Shopify-Event-Id` (else `X-Shopify-Webhook-Id`) as the
/// event id, `X-Shopify-Triggered-At`. The HMAC is checked before this runs.
public enum ShopifyNotification {
    public static let topics: Set<String> = ["carts/create", "carts/update", "checkouts/create", "orders/create"]

    /// The notification, or nil for a topic that says nothing about carts (acknowledged, ignored).
    public static func parse(body: [UInt8], headers: WebhookHeaders) throws(WebhookError) -> PlatformCartNotification? {
        guard let topic = headers["X-Shopify-Topic"] else { throw .malformed("X-Shopify-Topic is missing") }
        guard topics.contains(topic) else { return nil }
        guard let eventId = try WebhookJSON.identifier(headers["X-Shopify-Event-Id"] ?? headers["X-Shopify-Webhook-Id"],
                                                      field: "X-Shopify-Event-Id") else {
            throw .malformed("X-Shopify-Event-Id (or X-Shopify-Webhook-Id) is missing: without it a retry cannot be told from a new event")
        }
        let occurredAt = headers["X-Shopify-Triggered-At"].flatMap(WebhookTimestamp.parse)
        if headers["X-Shopify-Triggered-At"] != nil, occurredAt == nil { throw .malformed("X-Shopify-Triggered-At is not an ISO 8601 time") }
        let payload = try WebhookJSON.decode(Payload.self, from: body, platform: "Shopify \(topic)")
        let lines = try (payload.line_items?.items ?? []).enumerated().map { index, item throws(WebhookError) in
            try item.line(field: "line_items[\(index)]")
        }
        let customerId = try WebhookJSON.identifier(payload.customer?.id?.text, field: "customer.id")
        let currency = try WebhookJSON.currency(payload.currency, field: "currency")
        switch topic {
        case "carts/create", "carts/update":
            guard let token = try WebhookJSON.identifier(payload.token ?? payload.id?.text, field: "token") else {
                throw .malformed("Shopify \(topic): missing field 'token'")
            }
            return PlatformCartNotification(platform: .shopify, kind: .cartSnapshot, cartToken: token, customerId: customerId, lines: lines,
                                            currency: currency, eventId: eventId, occurredAt: occurredAt, orderRef: nil)
        case "checkouts/create":
            guard let token = try WebhookJSON.identifier(payload.cart_token, field: "cart_token") else {
                throw .malformed("Shopify checkouts/create: missing field 'cart_token'")
            }
            return PlatformCartNotification(platform: .shopify, kind: .checkoutStarted, cartToken: token, customerId: customerId, lines: lines,
                                            currency: currency, eventId: eventId, occurredAt: occurredAt, orderRef: nil)
        default:  // orders/create
            guard let orderId = try WebhookJSON.identifier(payload.id?.text, field: "id") else {
                throw .malformed("Shopify orders/create: missing field 'id'")
            }
            let name = try WebhookJSON.identifier(payload.name, field: "name")
            return PlatformCartNotification(platform: .shopify, kind: .orderPlaced, cartToken: try WebhookJSON.identifier(payload.cart_token, field: "cart_token"),
                                            customerId: customerId, lines: lines, currency: currency, eventId: eventId,
                                            occurredAt: occurredAt, orderRef: String((name ?? orderId).prefix(Cart.maxOrderRefLength)))
        }
    }

    /// The fields of a Shopify cart, checkout or order that Cartline reads (others are ignored).
    struct Payload: Decodable {
        let id: FlexibleID?
        let token: String?
        let cart_token: String?
        let name: String?
        let currency: String?
        let customer: Customer?
        let line_items: BoundedLines<LineItem>?
    }

    struct Customer: Decodable {
        let id: FlexibleID?
    }

    struct LineItem: Decodable, Sendable {
        let variant_id: FlexibleID?
        let product_id: FlexibleID?
        let sku: String?
        let title: String?
        let name: String?
        let quantity: Int
        let price: DecimalText

        func line(field: String) throws(WebhookError) -> PlatformCartNotification.Line {
            let variant = try WebhookJSON.identifier(variant_id?.text ?? product_id?.text, field: "\(field).variant_id")
            let sku = try WebhookJSON.identifier(sku, field: "\(field).sku")
            return PlatformCartNotification.Line(
                sku: sku, variantId: variant, title: WebhookJSON.title(title ?? name, fallback: sku ?? variant ?? "item"),
                quantity: try WebhookJSON.quantity(quantity, field: "\(field).quantity"),
                unitPriceMicros: try WebhookAmount.micros(price.text, field: "\(field).price"))
        }
    }
}
