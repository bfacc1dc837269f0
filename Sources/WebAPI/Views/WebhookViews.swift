import Engine
import Foundation

/// The answer to a notification that was not refused.
struct WebhookReceiptView: Codable, Sendable {
    let outcome: String
    let cartId: UUID?
    let appendedEvents: Int
    let detail: String

    init(_ receipt: PlatformWebhooks.Receipt) {
        outcome = receipt.outcome.rawValue
        cartId = receipt.cartId
        appendedEvents = receipt.appendedEvents
        detail = receipt.detail
    }
}

/// `GET …/webhooks/secrets`: which secrets are valid, never their values.
struct WebhookSecretListView: Codable, Sendable {
    struct Entry: Codable, Sendable {
        let secretId: String
        let addedAt: Date
    }

    let secrets: [Entry]
    let maxValid: Int
}

/// `POST …/webhooks/secrets`: the new secret, shown in clear this once.
struct WebhookSecretAddedView: Codable, Sendable {
    let secretId: String
    let secret: String
    let addedAt: Date
}

/// The body of `POST …/webhooks/secrets`: a secret the platform gave (Shopify's signing
/// secret), or none to have Cartline make one.
struct WebhookSecretBody: Codable, Sendable {
    static let fields: Set<String> = ["secret"]
    let secret: String?
}

/// `GET …/webhooks/failures`: the last refused notifications, newest first.
struct WebhookFailureListView: Codable, Sendable {
    struct Entry: Codable, Sendable {
        let platform: String
        let kind: String
        let status: Int
        let detail: String
        let eventId: String?
        let excerpt: String
        let receivedAt: Date
    }

    let failures: [Entry]
    let maxKept: Int
}
