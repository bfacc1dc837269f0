import Foundation

/// What a signed merchant console session cookie says: which user of which merchant, when
/// it was issued and until when it holds, which key signed it and the user's revocation
/// generation at sign-in.
struct MerchantSession: SignedSession, Equatable {
    /// Key id: a fingerprint of the signing key, so a key change is told apart from tampering.
    let kid: String
    let merchantId: String
    let login: String
    /// The session's own id: signing out refuses this one session.
    let sessionId: UUID
    /// Seconds since 1970.
    let issuedAt: Int64
    let expiresAt: Int64
    let generation: Int

    enum CodingKeys: String, CodingKey {
        case kid, merchantId = "m", login = "u", sessionId = "sid", issuedAt = "iat", expiresAt = "exp", generation = "gen"
    }

    var expiresAtDate: Date { Date(timeIntervalSince1970: TimeInterval(expiresAt)) }
    var issuedAtDate: Date { Date(timeIntervalSince1970: TimeInterval(issuedAt)) }
}
