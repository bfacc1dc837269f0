import Foundation

/// What a signed agent session cookie says: who, for which merchant, when it was issued
/// and until when it holds, which key signed it and the revocation generation it carries.
struct AgentSession: SignedSession, Equatable {
    /// Key id: a fingerprint of the signing key, so a key change is told apart from tampering.
    let kid: String
    let merchantId: String
    let agentName: String
    /// The session's own id: signing out refuses this one session.
    let sessionId: UUID
    /// Seconds since 1970.
    let issuedAt: Int64
    let expiresAt: Int64
    /// The agent's revocation generation when the session started.
    let generation: Int

    enum CodingKeys: String, CodingKey {
        case kid, merchantId = "m", agentName = "a", sessionId = "sid", issuedAt = "iat", expiresAt = "exp", generation = "gen"
    }

    var expiresAtDate: Date { Date(timeIntervalSince1970: TimeInterval(expiresAt)) }
    var issuedAtDate: Date { Date(timeIntervalSince1970: TimeInterval(issuedAt)) }
}
