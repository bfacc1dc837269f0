import Engine
import Foundation

/// `cartline_agent`: a sales agent's console session, `v1.<payload>.<mac>` where the payload
/// is base64url JSON (`AgentSession`: kid, m, a, sid, iat, exp, gen) and the mac is
/// HMAC-SHA256 over `v1.<payload>` under a key derived (HKDF) from the session key with its
/// own label, so no further secret is needed and the shopper cookie's key is never reused.
/// HttpOnly, SameSite=Strict, Path=/v1/agent, Secure behind TLS; 12 hours.
struct AgentSessionCookie: Sendable {
    static let name = "cartline_agent"
    static let path = "/v1/agent"
    static let lifetimeSeconds: Int64 = 12 * 3_600
    /// Longest cookie value looked at; a real one is about 250 bytes.
    static let maxValueBytes = 1_024

    typealias Failure = SignedSessionFailure

    private let codec: SignedSessionCodec<AgentSession>
    var keyID: String { codec.keyID }

    init(secret: SecretKey) {
        codec = SignedSessionCodec(secret: secret, label: "cartline agent session v1", maxValueBytes: Self.maxValueBytes)
    }

    /// A new session for a redeemed code, issued `now`.
    func session(for signIn: AgentAccessService.SignIn) -> AgentSession {
        let issuedAt = Int64(signIn.at.timeIntervalSince1970.rounded(.down))
        return AgentSession(kid: keyID, merchantId: signIn.merchantId, agentName: signIn.agentName, sessionId: signIn.sessionId,
                            issuedAt: issuedAt, expiresAt: issuedAt + Self.lifetimeSeconds, generation: signIn.generation)
    }

    func value(for session: AgentSession) throws -> String { try codec.value(for: session) }

    /// The session a cookie value carries, if we signed it with this key and it has not expired.
    func session(from value: String, now: Date) throws(Failure) -> AgentSession { try codec.session(from: value, now: now) }
}
