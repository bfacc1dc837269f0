import Crypto
import Domain
import Foundation

/// Checks the shopper tokens a merchant's backend signs for its widget (`ShopperToken`):
/// claims first, then the HMAC against each of the merchant's valid webhook secrets (two
/// during a rotation; `isValidAuthenticationCode` compares in constant time), and names the
/// shopper as the merchant's webhooks do, so the widget sees the carts its shop reported.
public struct ShopperTokenVerifier: Sendable {
    /// A verified token: whose shopper the widget acts for.
    public struct Verified: Sendable, Equatable {
        public let merchantId: String
        public let shopperId: UUID
        public let expiresAtUnixSeconds: Int64
    }

    let secrets: WebhookSecretKeeper
    let clock: any WallClock

    public init(secrets: WebhookSecretKeeper, clock: any WallClock) {
        self.secrets = secrets
        self.clock = clock
    }

    /// The shopper `text` names for `merchantId` (the merchant whose widget asks), or why not.
    public func verify(_ text: String, merchantId: String) async throws -> Verified {
        let token = try ShopperToken(text, now: clock.now())
        guard token.merchantId == merchantId else {
            throw ShopperTokenError.badSignature("the shopper token is for \(token.merchantId.prefix(40)), not for this shop's widget")
        }
        let valid = try await secrets.secrets(merchantId: merchantId)
        guard !valid.isEmpty else {
            throw ShopperTokenError.badSignature("the shop has no webhook secret to sign shopper tokens with: add one first")
        }
        let mac = Data(token.signature), signed = token.signedBytes
        var matched = false
        // Every secret is tried (no early exit), so the time does not tell which one matched.
        for secret in valid where HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: signed, using: SymmetricKey(data: Data(secret.utf8))) {
            matched = true
        }
        guard matched else { throw ShopperTokenError.badSignature("the shopper token's signature does not match the shop's webhook secrets") }
        let shopperId: UUID
        switch token.subject {
        case .customer(let customer): shopperId = WebhookIdentity.shopperId(merchantId: merchantId, customerId: customer, cartToken: "")
        case .cart(let cart): shopperId = WebhookIdentity.shopperId(merchantId: merchantId, customerId: nil, cartToken: cart)
        }
        return Verified(merchantId: merchantId, shopperId: shopperId, expiresAtUnixSeconds: token.expiresAtUnixSeconds)
    }

    /// A token as a merchant's backend makes it (tests, the benchmark, the guide's samples).
    public static func sign(merchantId: String, subject: ShopperToken.Subject, expiresAtUnixSeconds: Int64, secret: String) -> String {
        var claims: [String: Any] = ["merchant": merchantId, "exp": expiresAtUnixSeconds]
        switch subject {
        case .customer(let id): claims["customer"] = id
        case .cart(let token): claims["cart"] = token
        }
        let json = (try? JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys])) ?? Data()
        let payload = base64URL(json)
        let mac = HMAC<SHA256>.authenticationCode(for: Data((ShopperToken.signedPrefix + payload).utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return "\(ShopperToken.version).\(payload).\(base64URL(Data(mac)))"
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
