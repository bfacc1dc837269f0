/// The shop platforms whose cart notifications Cartline accepts, named as in the webhook URL
/// (`/v1/webhooks/{merchantId}/{platform}`).
public enum WebhookPlatform: String, Sendable, Codable, CaseIterable {
    case shopify
    case woocommerce
    /// Cartline's own documented format, for any other shop (`CartlineNotification`).
    case cartline
}
