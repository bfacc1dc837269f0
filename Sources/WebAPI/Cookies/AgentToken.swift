import Crypto
import Engine
import Foundation

/// A merchant's agent token: `<merchantId>.<base64url HMAC>`, with a key derived (HKDF) from
/// the session key under its own label, so no further secret needs configuring and the two
/// uses never share a key. The admin API hands it out; rotating the session key rotates it.
struct AgentToken: Sendable {
    let secret: SecretKey

    private var key: SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: secret.symmetric, info: Data("cartline agent token v1".utf8), outputByteCount: 32)
    }

    func token(for merchantId: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("agent:\(merchantId)".utf8), using: key)
        return merchantId + "." + Data(mac).base64URLEncodedString()
    }

    /// The merchant the token belongs to, or nil for anything not made by `token(for:)`.
    func merchantId(from token: String) -> String? {
        guard token.utf8.count <= 200, let dot = token.lastIndex(of: ".") else { return nil }
        let merchantId = String(token[..<dot])
        guard let mac = Data(base64URLEncoded: token[token.index(after: dot)...]),
              HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data("agent:\(merchantId)".utf8), using: key) else { return nil }
        return merchantId
    }
}
