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

    typealias Failure = SignedSessionFailure

    private let codec: SignedSessionCodec<MerchantSession>
    var keyID: String { codec.keyID }

    init(secret: SecretKey) {
        codec = SignedSessionCodec(secret: secret, label: "cartline merchant session v1", maxValueBytes: Self.maxValueBytes)
    }

    /// A new session for a sign-in.
    func session(for signIn: MerchantAccountService.SignIn) -> MerchantSession {
        let issuedAt = Int64(signIn.at.timeIntervalSince1970.rounded(.down))
        return MerchantSession(kid: keyID, merchantId: signIn.merchantId, login: signIn.login, sessionId: signIn.sessionId,
                               issuedAt: issuedAt, expiresAt: issuedAt + Self.lifetimeSeconds, generation: signIn.generation)
    }

    func value(for session: MerchantSession) throws -> String { try codec.value(for: session) }

    /// The session a cookie value carries, if we signed it with this key and it has not expired.
    func session(from value: String, now: Date) throws(Failure) -> MerchantSession { try codec.session(from: value, now: now) }
}
