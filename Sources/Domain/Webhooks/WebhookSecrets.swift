import Foundation

/// What happens to a merchant's webhook secrets, as stored in `webhooksecrets-<merchantId>`
/// streams. A secret is stored sealed (`sealedSecret`, AES-GCM under the server's sealing
/// key), never in clear.
public enum WebhookSecretEvent: Equatable, Sendable {
    case added(WebhookSecretAdded)
    case removed(WebhookSecretRemoved)
}

public struct WebhookSecretAdded: EventPayload {
    public static let eventType = "WebhookSecretAdded"
    public let merchantId: String
    public let secretId: String
    public let sealedSecret: String
    public let at: Date

    public init(merchantId: String, secretId: String, sealedSecret: String, at: Date) {
        self.merchantId = merchantId
        self.secretId = secretId
        self.sealedSecret = sealedSecret
        self.at = at
    }
}

public struct WebhookSecretRemoved: EventPayload {
    public static let eventType = "WebhookSecretRemoved"
    public let secretId: String
    public let at: Date
}

/// The secrets valid now, oldest first.
public struct WebhookSecretsState: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public let secretId: String
        public let sealedSecret: String
        public let addedAt: Date
    }

    public var secrets: [Entry] = []

    public init() {}
}

/// The webhook-secrets decider: at most two secrets are valid at once, so a merchant rotates
/// without downtime (add the new one, move the shop over, remove the old one).
public enum WebhookSecrets {
    public static let maxValid = 2

    public enum Command: Equatable, Sendable {
        case add(secretId: String, sealedSecret: String)
        case remove(secretId: String)
    }

    public static func decide(_ command: Command, merchantId: String, state: WebhookSecretsState, now: Date) throws(DomainError) -> [WebhookSecretEvent] {
        switch command {
        case .add(let secretId, let sealed):
            if state.secrets.contains(where: { $0.secretId == secretId }) { return [] }  // a retried add
            guard state.secrets.count < maxValid else {
                throw .rejected("two secrets are valid already: remove the old one (\(state.secrets[0].secretId)) before adding a third")
            }
            return [.added(WebhookSecretAdded(merchantId: merchantId, secretId: secretId, sealedSecret: sealed, at: now))]
        case .remove(let secretId):
            guard state.secrets.contains(where: { $0.secretId == secretId }) else { throw .notFound("no webhook secret \(secretId.prefix(40))") }
            return [.removed(WebhookSecretRemoved(secretId: secretId, at: now))]
        }
    }

    public static func evolve(_ state: WebhookSecretsState, _ event: WebhookSecretEvent) -> WebhookSecretsState {
        var state = state
        switch event {
        case .added(let added):
            state.secrets.append(.init(secretId: added.secretId, sealedSecret: added.sealedSecret, addedAt: added.at))
        case .removed(let removed):
            state.secrets.removeAll { $0.secretId == removed.secretId }
        }
        return state
    }
}
