import Crypto
import Domain
import Foundation

/// Checks a notification's signature on its raw bytes against each of the merchant's valid
/// secrets (two during a rotation). HMAC-SHA256 throughout; `isValidAuthenticationCode`
/// compares in constant time.
public enum WebhookSignature {
    /// Shopify (`X-Shopify-Hmac-Sha256`) and WooCommerce (`X-WC-Webhook-Signature`): the base64
    /// HMAC-SHA256 of the raw body.
    public static func verifyBase64(_ header: String?, headerName: String, body: [UInt8], secrets: [String]) throws(WebhookError) {
        guard let header else { throw .unsigned("\(headerName) is missing: the notification is not signed") }
        guard let mac = Data(base64Encoded: header), mac.count == SHA256.byteCount else {
            throw .badSignature("\(headerName) is not a base64 HMAC-SHA256")
        }
        guard matches(mac: mac, payload: body, secrets: secrets) else {
            throw .badSignature("\(headerName) does not match the body under the merchant's webhook secret")
        }
    }

    /// Cartline's format: any `v1` over `"<t>.<body>"` under any secret, then the timestamp's
    /// tolerance (checked after the signature, so only a genuine old delivery is called stale).
    public static func verifyCartline(_ header: String?, body: [UInt8], secrets: [String], now: Date) throws(WebhookError) {
        let parsed = try CartlineSignatureHeader.parse(header)
        let payload = CartlineSignatureHeader.signedPayload(timestamp: parsed.timestamp, body: body)
        guard parsed.signatures.contains(where: { matches(mac: Data($0), payload: payload, secrets: secrets) }) else {
            throw .badSignature("\(CartlineSignatureHeader.name) does not match the body under the merchant's webhook secret")
        }
        try parsed.checkFresh(now: now)
    }

    /// The signatures a sender computes (tests, the benchmark, the merchant guide's samples).
    public static func base64(body: [UInt8], secret: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: body, using: key(secret))).base64EncodedString()
    }

    public static func cartlineHeader(body: [UInt8], secret: String, timestamp: Int64) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: CartlineSignatureHeader.signedPayload(timestamp: timestamp, body: body), using: key(secret))
        return "t=\(timestamp),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    static func matches(mac: Data, payload: [UInt8], secrets: [String]) -> Bool {
        // Every secret is tried (no early exit), so the time does not tell which one matched.
        var valid = false
        for secret in secrets where HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: key(secret)) { valid = true }
        return valid
    }

    static func key(_ secret: String) -> SymmetricKey { SymmetricKey(data: Data(secret.utf8)) }
}
