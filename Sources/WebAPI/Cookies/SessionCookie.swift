import Crypto
import Engine
import Foundation

/// `cartline_session`: the shopper's id and an HMAC-SHA256 over it, so a client can neither
/// invent nor alter one. Format: `v1.<uuid>.<base64url mac>`.
struct SessionCookie: Sendable {
    static let name = "cartline_session"
    static let maxAgeSeconds = 365 * 86_400

    let secret: SecretKey

    func value(for shopperId: UUID) -> String {
        let payload = "v1." + shopperId.uuidString.lowercased()
        let mac = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: secret.symmetric)
        return payload + "." + Data(mac).base64URLEncodedString()
    }

    /// The shopper id, or nil for anything not signed by our key.
    func shopperId(from value: String) -> UUID? {
        guard value.utf8.count <= 200 else { return nil }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        // Lowercase only, so each shopper has exactly one valid cookie value.
        guard parts.count == 3, parts[0] == "v1", parts[1].utf8.allSatisfy({ !(UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }),
              let id = UUID(uuidString: String(parts[1])), let mac = Data(base64URLEncoded: parts[2]) else { return nil }
        let payload = Data(value.utf8.prefix(3 + parts[1].utf8.count))
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: secret.symmetric) ? id : nil
    }
}
