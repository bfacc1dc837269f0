import Crypto
import Domain
import EventLog
import Foundation

/// A merchant's webhook secrets: added and removed as `WebhookSecrets` decisions on the
/// `webhooksecrets-<merchantId>` stream, stored sealed (AES-GCM under the server's sealing
/// key, bound to merchant and secret id). A secret is shown in clear once, when it is added;
/// listings show ids and times only.
public struct WebhookSecretKeeper: Sendable {
    /// Shortest and longest secret accepted (Shopify's and WooCommerce's fit; ours are 64 hex digits).
    public static let secretLengths = 16...256
    static let formatPrefix = "wsecret1."

    /// One secret as listed: never its value.
    public struct Listed: Sendable, Equatable {
        public let secretId: String
        public let addedAt: Date
    }

    /// A secret just added, with its value (the only time it is shown).
    public struct Added: Sendable, Equatable {
        public let secretId: String
        public let secret: String
        public let addedAt: Date
    }

    let store: AggregateStore
    let merchants: MerchantDirectory
    let sealingKey: SecretKey
    let clock: any WallClock
    let cache: WebhookSecretCache

    /// `maxAge`: how long another process's change may take to be seen here.
    public init(store: AggregateStore, merchants: MerchantDirectory, sealingKey: SecretKey, clock: any WallClock,
                maxAge: Duration = .seconds(2)) {
        self.store = store
        self.merchants = merchants
        self.sealingKey = sealingKey
        self.clock = clock
        self.cache = WebhookSecretCache(maxAge: maxAge)
    }

    /// Adds `secret` (or a new random one: 32 bytes as 64 hex digits). At most two are valid.
    public func add(merchantId: String, secret: String?) async throws -> Added {
        guard try await merchants.versioned(merchantId).state != nil else { throw DomainError.notFound("no merchant \(merchantId)") }
        let value = secret ?? Self.randomSecret()
        guard Self.secretLengths.contains(value.count), value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw DomainError.invalid("secret must be \(Self.secretLengths.lowerBound)…\(Self.secretLengths.upperBound) printable ASCII characters without spaces")
        }
        let secretId = "ws_" + String(Self.randomSecret().prefix(12))
        let sealed = try seal(value, merchantId: merchantId, secretId: secretId)
        let now = clock.now()
        try await store.execute(WebhookSecretsAggregate.self, try .webhookSecrets(merchantId)) { state in
            try WebhookSecrets.decide(.add(secretId: secretId, sealedSecret: sealed), merchantId: merchantId, state: state, now: now)
        }
        cache.invalidate(merchantId)
        return Added(secretId: secretId, secret: value, addedAt: now)
    }

    public func remove(merchantId: String, secretId: String) async throws {
        guard try await merchants.versioned(merchantId).state != nil else { throw DomainError.notFound("no merchant \(merchantId)") }
        let now = clock.now()
        try await store.execute(WebhookSecretsAggregate.self, try .webhookSecrets(merchantId)) { state in
            try WebhookSecrets.decide(.remove(secretId: secretId), merchantId: merchantId, state: state, now: now)
        }
        cache.invalidate(merchantId)
    }

    public func list(merchantId: String) async throws -> [Listed] {
        guard try await merchants.versioned(merchantId).state != nil else { throw DomainError.notFound("no merchant \(merchantId)") }
        return try await store.load(WebhookSecretsAggregate.self, try .webhookSecrets(merchantId)).state.secrets
            .map { Listed(secretId: $0.secretId, addedAt: $0.addedAt) }
    }

    /// The valid secrets in clear (a removal in this process stops a secret at once; in
    /// another, within `maxAge`). Secrets sealed under another sealing key are skipped.
    func secrets(merchantId: String) async throws -> [String] {
        if let cached = cache.get(merchantId) { return cached }
        let state = try await store.load(WebhookSecretsAggregate.self, try .webhookSecrets(merchantId)).state
        let opened = state.secrets.compactMap { open($0.sealedSecret, merchantId: merchantId, secretId: $0.secretId) }
        cache.put(merchantId, opened)
        return opened
    }

    func seal(_ secret: String, merchantId: String, secretId: String) throws -> String {
        let box = try AES.GCM.seal(Data(secret.utf8), using: sealingKey.symmetric, authenticating: Self.context(merchantId, secretId))
        guard let combined = box.combined else { throw DomainError.rejected("the secret could not be sealed") }
        return Self.formatPrefix + combined.base64EncodedString()
    }

    func open(_ sealed: String, merchantId: String, secretId: String) -> String? {
        guard sealed.hasPrefix(Self.formatPrefix), let combined = Data(base64Encoded: String(sealed.dropFirst(Self.formatPrefix.count))),
              let box = try? AES.GCM.SealedBox(combined: combined),
              let plain = try? AES.GCM.open(box, using: sealingKey.symmetric, authenticating: Self.context(merchantId, secretId)) else { return nil }
        return String(decoding: plain, as: UTF8.self)
    }

    static func context(_ merchantId: String, _ secretId: String) -> Data { Data("webhook-secret:\(merchantId):\(secretId)".utf8) }

    static func randomSecret() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { bytes in bytes.map { String(format: "%02x", $0) }.joined() }
    }
}
