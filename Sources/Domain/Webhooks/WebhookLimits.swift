import Foundation

/// Bounds on what a notification may hold: larger ones are refused before anything is parsed
/// or appended.
public enum WebhookLimits {
    /// Largest raw body read (256 KiB); a larger one is refused as too large.
    public static let maxBodyBytes = 256 * 1024
    /// Most line items in one notification (a cart keeps at most `Cart.maxLines` distinct ones).
    public static let maxLineItems = 250
    /// Longest identifier (cart token, event id, customer id, sku, order ref) accepted.
    public static let maxIdentifierLength = 128
    /// Longest item title kept; longer ones are cut, not refused.
    public static let maxTitleLength = 200
    /// How far a signed timestamp may be from the server's clock, either way (Cartline's format).
    public static let signatureToleranceSeconds: Double = 300
    /// How old Shopify's `X-Shopify-Triggered-At` may be. Shopify retries a failed delivery
    /// for up to 48 hours and keeps the original time, so a tolerance of minutes would refuse
    /// its legitimate retries; duplicates within it are caught by the event id.
    public static let shopifyTriggeredToleranceSeconds: Double = 49 * 3600
    /// Longest excerpt of a refused body kept in the merchant's failure list.
    public static let failureExcerptLength = 120
}
