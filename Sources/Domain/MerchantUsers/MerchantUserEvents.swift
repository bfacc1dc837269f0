import Foundation

/// What happens to a merchant's console users, in the merchant's own stream
/// (`merchantusers-<merchantId>`): invitations (a one-time code, stored as a keyed hash),
/// passwords set with a code (stored as a slow salted hash), sign-ins, failed attempts,
/// sign-outs and revocations. No event ever holds a code or a password in clear.
public enum MerchantUserEvent: Equatable, Sendable {
    case invited(MerchantUserInvited)
    case passwordSet(MerchantPasswordSet)
    case signedIn(MerchantUserSignedIn)
    case attemptFailed(MerchantSignInFailed)
    case signedOut(MerchantUserSignedOut)
    case revoked(MerchantUserRevoked)
}

/// The platform administrator or an owner invited a user (or invited them again: a new
/// code replaces the open one).
public struct MerchantUserInvited: EventPayload {
    public static let eventType = "MerchantUserInvited"
    public let merchantId: String
    public let login: String
    public let role: MerchantRole
    public let codeId: UUID
    /// HMAC-SHA256 of the code under a server key, base64url.
    public let codeHash: String
    public let expiresAt: Date
    /// `admin`, or the login of the owner who invited.
    public let invitedBy: String
    public let at: Date

    public init(merchantId: String, login: String, role: MerchantRole, codeId: UUID, codeHash: String, expiresAt: Date,
                invitedBy: String, at: Date) {
        self.merchantId = merchantId; self.login = login; self.role = role; self.codeId = codeId; self.codeHash = codeHash
        self.expiresAt = expiresAt; self.invitedBy = invitedBy; self.at = at
    }
}

/// The user redeemed their invitation code and chose a password.
public struct MerchantPasswordSet: EventPayload {
    public static let eventType = "MerchantPasswordSet"
    public let login: String
    public let codeId: UUID
    /// `pbkdf2-sha256$<rounds>$<salt>$<hash>` (base64url): never the password.
    public let passwordHash: String
    public let at: Date

    public init(login: String, codeId: UUID, passwordHash: String, at: Date) {
        self.login = login; self.codeId = codeId; self.passwordHash = passwordHash; self.at = at
    }
}

/// A session started (after a password set, or a sign-in with the password).
public struct MerchantUserSignedIn: EventPayload {
    public static let eventType = "MerchantUserSignedIn"
    public let login: String
    public let sessionId: UUID
    /// The user's revocation generation, which the session carries.
    public let generation: Int
    public let at: Date

    public init(login: String, sessionId: UUID, generation: Int, at: Date) {
        self.login = login; self.sessionId = sessionId; self.generation = generation; self.at = at
    }
}

/// A wrong password or invitation code for a known user. `MerchantUsers.maxFailedAttempts`
/// of them in a row lock the user out for `MerchantUsers.lockoutSeconds`.
public struct MerchantSignInFailed: EventPayload {
    public static let eventType = "MerchantSignInFailed"
    public let login: String
    public let at: Date

    public init(login: String, at: Date) { self.login = login; self.at = at }
}

/// The user signed out of one session; it is refused until it would have expired anyway.
public struct MerchantUserSignedOut: EventPayload {
    public static let eventType = "MerchantUserSignedOut"
    public let login: String
    public let sessionId: UUID
    public let sessionExpiresAt: Date
    public let at: Date

    public init(login: String, sessionId: UUID, sessionExpiresAt: Date, at: Date) {
        self.login = login; self.sessionId = sessionId; self.sessionExpiresAt = sessionExpiresAt; self.at = at
    }
}

/// The user's access was revoked: every session is refused, the password and open code no
/// longer work; a new invitation brings them back.
public struct MerchantUserRevoked: EventPayload {
    public static let eventType = "MerchantUserRevoked"
    public let login: String
    public let generation: Int
    /// `admin`, or the login of the owner who revoked.
    public let revokedBy: String
    public let at: Date

    public init(login: String, generation: Int, revokedBy: String, at: Date) {
        self.login = login; self.generation = generation; self.revokedBy = revokedBy; self.at = at
    }
}
