import Foundation

/// Reads a verified notification of any platform into a `PlatformCartNotification`: the size
/// bound first, then the platform's parser, then the platform's own timestamp rule.
public enum PlatformNotifications {
    /// The notification, or nil when it is acknowledged but says nothing about a cart (a topic
    /// or order state Cartline does not follow).
    public static func parse(_ platform: WebhookPlatform, body: [UInt8], headers: WebhookHeaders, now: Date) throws(WebhookError) -> PlatformCartNotification? {
        guard body.count <= WebhookLimits.maxBodyBytes else {
            throw .tooLarge("the body is \(body.count) bytes; at most \(WebhookLimits.maxBodyBytes) are accepted")
        }
        switch platform {
        case .shopify:
            let notification = try ShopifyNotification.parse(body: body, headers: headers)
            if let triggered = notification?.occurredAt {
                let age = now.timeIntervalSince(triggered)
                guard age <= WebhookLimits.shopifyTriggeredToleranceSeconds, age >= -WebhookLimits.signatureToleranceSeconds else {
                    throw .stale("X-Shopify-Triggered-At is \(Int(age)) s from the server's clock (Shopify retries for 48 hours; older is refused)")
                }
            }
            return notification
        case .woocommerce:
            return try WooCommerceNotification.parse(body: body, headers: headers)
        case .cartline:
            return try CartlineNotification.parse(body: body)
        }
    }
}
