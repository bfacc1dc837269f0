import Foundation

/// WooCommerce's order webhooks (`order.created`, `order.updated`), in its documented JSON
/// shape: `id`, `number`, `status`, `currency`, `customer_id` (0 for a guest), `cart_hash`,
/// `date_modified_gmt`, `line_items[]` with `product_id`, `variation_id`, `sku`, `name`,
/// `quantity`, `price` (a JSON number), `subtotal` and `total` (decimal strings).
///
/// WooCommerce has no cart webhooks: an order is created when the shopper checks out.
/// `pending`, `on-hold` and `checkout-draft` orders are unconcluded carts (a cart snapshot);
/// `processing` and `completed` orders complete the cart; other states (cancelled, refunded,
/// failed) are acknowledged and ignored. The cart is the order's `cart_hash`, or
/// `order-<id>` when it has none. Event id: `X-WC-Webhook-Delivery-ID`.
public enum WooCommerceNotification {
    public static let topics: Set<String> = ["order.created", "order.updated"]
    static let unconcluded: Set<String> = ["pending", "on-hold", "checkout-draft"]
    static let paid: Set<String> = ["processing", "completed"]

    /// The notification, or nil for one that says nothing about an open or paid cart.
    public static func parse(body: [UInt8], headers: WebhookHeaders) throws(WebhookError) -> PlatformCartNotification? {
        guard let topic = headers["X-WC-Webhook-Topic"] else { throw .malformed("X-WC-Webhook-Topic is missing") }
        guard topics.contains(topic) else { return nil }
        let order = try WebhookJSON.decode(Order.self, from: body, platform: "WooCommerce \(topic)")
        guard let orderId = try WebhookJSON.identifier(order.id.text, field: "id") else { throw .malformed("WooCommerce: missing field 'id'") }
        let status = order.status ?? "pending"
        let kind: PlatformCartNotification.Kind
        if unconcluded.contains(status) { kind = .cartSnapshot } else if paid.contains(status) { kind = .orderPlaced } else { return nil }
        let lines = try (order.line_items?.items ?? []).enumerated().map { index, item throws(WebhookError) in
            try item.line(field: "line_items[\(index)]")
        }
        let customer = order.customer_id.flatMap { $0.text == "0" ? nil : $0.text }
        let modified = order.date_modified_gmt ?? order.date_created_gmt
        let occurredAt = modified.flatMap(WebhookTimestamp.parse)
        let delivery = headers["X-WC-Webhook-Delivery-ID"] ?? "order-\(orderId)-\(status)-\(modified ?? "")"
        let cartHash = try WebhookJSON.identifier(order.cart_hash, field: "cart_hash")
        let number = try WebhookJSON.identifier(order.number?.text, field: "number") ?? orderId
        return PlatformCartNotification(
            platform: .woocommerce, kind: kind, cartToken: cartHash ?? "order-\(orderId)",
            customerId: try WebhookJSON.identifier(customer, field: "customer_id"), lines: lines,
            currency: try WebhookJSON.currency(order.currency, field: "currency"),
            eventId: try WebhookJSON.identifier(delivery, field: "X-WC-Webhook-Delivery-ID") ?? "order-\(orderId)",
            occurredAt: occurredAt, orderRef: String(number.prefix(Cart.maxOrderRefLength)))
    }

    struct Order: Decodable {
        let id: FlexibleID
        let number: FlexibleID?
        let status: String?
        let currency: String?
        let customer_id: FlexibleID?
        let cart_hash: String?
        let date_created_gmt: String?
        let date_modified_gmt: String?
        let line_items: BoundedLines<LineItem>?
    }

    struct LineItem: Decodable, Sendable {
        let product_id: FlexibleID?
        let variation_id: FlexibleID?
        let sku: String?
        let name: String?
        let quantity: Int
        let price: DecimalText?
        let subtotal: DecimalText?
        let total: DecimalText?

        func line(field: String) throws(WebhookError) -> PlatformCartNotification.Line {
            let variation = variation_id.flatMap { $0.text == "0" ? nil : $0.text }
            let variant = try WebhookJSON.identifier(variation ?? product_id?.text, field: "\(field).product_id")
            let sku = try WebhookJSON.identifier(sku, field: "\(field).sku")
            let quantity = try WebhookJSON.quantity(quantity, field: "\(field).quantity")
            return PlatformCartNotification.Line(
                sku: sku, variantId: variant, title: WebhookJSON.title(name, fallback: sku ?? variant ?? "item"),
                quantity: quantity, unitPriceMicros: try unitPrice(quantity: quantity, field: field))
        }

        /// `price` when it is exact to the micro; else (a discounted price such as
        /// 16.666666667) the line's `subtotal` divided by the quantity, rounded half up.
        func unitPrice(quantity: Int, field: String) throws(WebhookError) -> Int64 {
            if let price, let micros = try? WebhookAmount.micros(price.text, field: "\(field).price") { return micros }
            guard let lineTotal = subtotal ?? total else {
                if let price { return try WebhookAmount.micros(price.text, field: "\(field).price") }
                throw .malformed("\(field): missing field 'price'")
            }
            let micros = try WebhookAmount.micros(lineTotal.text, field: "\(field).subtotal")
            let count = Int64(quantity)
            return (micros + count / 2) / count
        }
    }
}
