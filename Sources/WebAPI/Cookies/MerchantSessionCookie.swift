import Crypto
import Engine
import Foundation

/// `cartline_merchant`: a merchant console user's session, `v1.<payload>.<mac>` where the
/// payload is base64url JSON (`MerchantSession`: kid, m, u, sid, iat, exp, gen) and the mac
/// is HMAC-SHA256 over `v1.<payload>` under a key derived (HKDF) from the session key with
/// its own label, so neither the shopper's nor the agent's cookie key is reused.
/// HttpOnly, SameSite=Strict, Path=/v1/merchant, Secure behind TLS; 8 hours.
struct MerchantSessionCookie: Sendable {
    static let name = "cartline_merchant"
    static let path = "/v1/merchant"
    static let lifetimeSeconds: Int64 = 8 * 3_600
    /// Longest cookie value looked at; a real one is about 300 bytes.
    static let maxValueBytes = 1_024

    /// Why a cookie value is not a session.
    enum Failure: Error, Equatable {
        case malformed
        case otherKey
        case expired
    }

    private let keyBytes: Data
    /// A fingerprint of the key: the first 8 bytes of its SHA-256, base64url.
    let keyID: String

    init(secret: SecretKey) {
        let key = HKDF<SHA256>.deriveKey(inputKeyMaterial: secret.symmetric, info: Data("cartline merchant session v1".utf8), outputByteCount: 32)
        self.keyBytes = key.withUnsafeBytes { Data($0) }
        self.keyID = Data(SHA256.hash(data: keyBytes).prefix(8)).base64URLEncodedString()
    }

    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// A new session for a sign-in.
    func session(for signIn: MerchantAccountService.SignIn) -> MerchantSession {
        let issuedAt = Int64(signIn.at.timeIntervalSince1970.rounded(.down))
        return MerchantSession(kid: keyID, merchantId: signIn.merchantId, login: signIn.login, sessionId: signIn.sessionId,
                               issuedAt: issuedAt, expiresAt: issuedAt + Self.lifetimeSeconds, generation: signIn.generation)
    }

    func value(for session: MerchantSession) throws -> String {
        let payload = "v1." + (try JSONEncoder.sortedKeys.encode(session)).base64URLEncodedString()
        let mac = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: key)
        return payload + "." + Data(mac).base64URLEncodedString()
    }

    /// The session a cookie value carries, if we signed it with this key and it has not expired.
    func session(from value: String, now: Date) throws(Failure) -> MerchantSession {
        guard value.utf8.count <= Self.maxValueBytes else { throw .malformed }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1", let json = Data(base64URLEncoded: parts[1]), let mac = Data(base64URLEncoded: parts[2]) else {
            throw .malformed
        }
        let signed = Data(value.utf8.prefix(3 + parts[1].utf8.count))
        guard let session = try? JSONDecoder().decode(MerchantSession.self, from: json) else { throw .malformed }
        // isValidAuthenticationCode compares in constant time.
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: signed, using: key) else {
            throw session.kid == keyID ? .malformed : .otherKey
        }
        guard Int64(now.timeIntervalSince1970) < session.expiresAt else { throw .expired }
        return session
    }
}
