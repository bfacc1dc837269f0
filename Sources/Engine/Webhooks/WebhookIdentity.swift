import Domain
import Foundation

/// How a platform's cart and customer become Cartline's cart and shopper: UUIDs derived
/// (`EventIDs.uuid(hashing:)`, SHA-256) from fixed texts, so every notification about one
/// platform cart lands in one cart, and anything else that knows the merchant's customer id
/// (the embeddable widget) names the same shopper:
///
/// - cart:    `platform-cart:<merchantId>:<platform>:<cart token>`
/// - shopper: `platform-shopper:<merchantId>:<customer id>` when the notification names a
///   customer, else `platform-shopper:<merchantId>:cart:<cart token>`.
///
/// A cart keeps the shopper it was opened with: a guest cart whose checkout later names a
/// customer stays the guest's.
public enum WebhookIdentity {
    public static func cartId(merchantId: String, platform: WebhookPlatform, cartToken: String) -> UUID {
        EventIDs.uuid(hashing: "platform-cart:\(merchantId):\(platform.rawValue):\(cartToken)")
    }

    public static func shopperId(merchantId: String, customerId: String?, cartToken: String) -> UUID {
        if let customerId { return EventIDs.uuid(hashing: "platform-shopper:\(merchantId):\(customerId)") }
        return EventIDs.uuid(hashing: "platform-shopper:\(merchantId):cart:\(cartToken)")
    }

    /// The seed of the event ids of one platform event: a second delivery of it derives the
    /// same ids, which the log already holds.
    public static func eventIDs(merchantId: String, platform: WebhookPlatform, eventId: String) -> EventIDs {
        .derived(from: "platform-event:\(merchantId):\(platform.rawValue):\(eventId)")
    }
}
