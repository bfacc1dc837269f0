import Foundation

/// The short-lived token a merchant's backend signs to name its shopper to the embeddable
/// widget (browsers block the third-party cookies a session would need):
///
///     v1.<base64url(payload)>.<base64url(HMAC-SHA256(secret, "cartline-shopper-token.v1." + base64url(payload)))>
///
/// with `payload` a JSON object `{"merchant": "<id>", "customer": "<id>", "exp": <unix seconds>}`
/// — or `"cart": "<platform cart token>"` instead of `"customer"` for a guest — signed with one
/// of the merchant's webhook secrets. The shopper it names is the one the merchant's webhooks
/// name (`WebhookIdentity`). This type reads and checks the claims; the signature is checked
/// by the engine, which holds the secrets.
public struct ShopperToken: Equatable, Sendable {
    public enum Subject: Equatable, Sendable {
        case customer(String)
        case cart(String)
    }

    public let merchantId: String
    public let subject: Subject
    public let expiresAtUnixSeconds: Int64
    /// `base64url(payload)`, the part the signature covers.
    public let encodedPayload: String
    public let signature: [UInt8]

    public static let version = "v1"
    /// What the MAC covers, before the encoded payload: a prefix of its own, so no other
    /// message signed with the same secret (a webhook body) can pass for a token.
    public static let signedPrefix = "cartline-shopper-token.v1."
    public static let maxTokenCharacters = 2_048
    /// Tokens live at most this long: the merchant's page asks its backend for a fresh one.
    public static let maxLifetimeSeconds: Int64 = 3_600
    public static let maxSubjectCharacters = 200

    /// Reads `text` and checks its claims at `now` (the signature is not checked here).
    public init(_ text: String, now: Date) throws(ShopperTokenError) {
        guard text.utf8.count <= Self.maxTokenCharacters else { throw .malformed("the shopper token is over \(Self.maxTokenCharacters) characters") }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == Self.version else {
            throw .malformed("a shopper token is v1.<payload>.<signature> (see docs/merchant-guide.md)")
        }
        guard let payload = Self.base64URLDecode(parts[1]), let signature = Self.base64URLDecode(parts[2]), signature.count == 32 else {
            throw .malformed("the shopper token's payload or signature is not base64url (a 32-byte HMAC-SHA256)")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any] else {
            throw .malformed("the shopper token's payload is not a JSON object")
        }
        let known: Set<String> = ["merchant", "customer", "cart", "exp"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw .malformed("the shopper token's payload has an unknown field '\(unknown.prefix(40))'")
        }
        struct Claims: Decodable {
            let merchant: String
            let customer: String?
            let cart: String?
            let exp: Int64
        }
        guard let claims = try? JSONDecoder().decode(Claims.self, from: Data(payload)) else {
            throw .malformed("the shopper token's payload needs merchant (text), customer or cart (text) and exp (whole Unix seconds)")
        }
        guard !claims.merchant.isEmpty, claims.merchant.count <= 40 else { throw .malformed("the shopper token names no merchant") }
        let subject: Subject
        switch (claims.customer, claims.cart) {
        case (let customer?, nil): subject = .customer(customer)
        case (nil, let cart?): subject = .cart(cart)
        default: throw .malformed("the shopper token names either a customer or a cart (one of them)")
        }
        let value: String
        switch subject {
        case .customer(let id), .cart(let id): value = id
        }
        guard (1...Self.maxSubjectCharacters).contains(value.count), value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw .malformed("the shopper token's customer or cart is 1…\(Self.maxSubjectCharacters) printable ASCII characters")
        }
        let merchant = claims.merchant, expires = claims.exp
        let nowSeconds = Int64(now.timeIntervalSince1970.rounded(.down))
        guard expires > nowSeconds else { throw .expired("the shopper token expired; the page asks the shop for a new one") }
        guard expires <= nowSeconds + Self.maxLifetimeSeconds else {
            throw .malformed("the shopper token lives too long: exp is at most \(Self.maxLifetimeSeconds) s ahead")
        }
        self.merchantId = merchant
        self.subject = subject
        self.expiresAtUnixSeconds = expires
        self.encodedPayload = String(parts[1])
        self.signature = signature
    }

    /// The bytes the signature covers.
    public var signedBytes: [UInt8] { Array((Self.signedPrefix + encodedPayload).utf8) }

    static func base64URLDecode(_ text: Substring) -> [UInt8]? {
        guard !text.isEmpty, text.count <= maxTokenCharacters,
              text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }
}

/// Why a shopper token is refused, in words for the merchant's developer.
public enum ShopperTokenError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case expired(String)
    case badSignature(String)

    public var description: String {
        switch self {
        case .malformed(let why), .expired(let why), .badSignature(let why): why
        }
    }
}
