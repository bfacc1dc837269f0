import Foundation

/// What happens to one sales agent's access to the console, as stored in the agent's own
/// stream (`agent-<merchantId>-<hash of the name>`): sign-in codes issued by an
/// administrator, each redeemed at most once, failed attempts, revocations, sign-outs.
public enum AgentEvent: Equatable, Sendable {
    case codeIssued(SignInCodeIssued)
    case codeRedeemed(SignInCodeRedeemed)
    case attemptFailed(SignInAttemptFailed)
    case revoked(AgentSignInsRevoked)
    case signedOut(AgentSignedOut)
}

/// An administrator issued a one-time sign-in code. Only a keyed hash of the code is stored:
/// the log never holds a code that could be typed in.
public struct SignInCodeIssued: EventPayload {
    public static let eventType = "SignInCodeIssued"
    public let merchantId: String
    public let agentName: String
    public let codeId: UUID
    /// HMAC-SHA256 of the code under a server key, base64url.
    public let codeHash: String
    public let expiresAt: Date
    public let at: Date

    public init(merchantId: String, agentName: String, codeId: UUID, codeHash: String, expiresAt: Date, at: Date) {
        self.merchantId = merchantId; self.agentName = agentName; self.codeId = codeId
        self.codeHash = codeHash; self.expiresAt = expiresAt; self.at = at
    }
}

/// The agent typed a valid code: it is used up and a session starts at `generation`.
public struct SignInCodeRedeemed: EventPayload {
    public static let eventType = "SignInCodeRedeemed"
    public let codeId: UUID
    /// The revocation generation the new session carries; a later revocation refuses it.
    public let generation: Int
    /// The new session's id, so signing out can refuse that session alone.
    public let sessionId: UUID
    public let at: Date

    public init(codeId: UUID, generation: Int, sessionId: UUID, at: Date) {
        self.codeId = codeId; self.generation = generation; self.sessionId = sessionId; self.at = at
    }
}

/// A wrong code was typed while codes were open. After `AgentAccess.maxFailedAttempts` of
/// these in a row, every open code is void: guessing cannot go on for long.
public struct SignInAttemptFailed: EventPayload {
    public static let eventType = "SignInAttemptFailed"
    public let at: Date

    public init(at: Date) { self.at = at }
}

/// An administrator revoked the agent's sign-ins: every session issued before is refused
/// and open codes are void.
public struct AgentSignInsRevoked: EventPayload {
    public static let eventType = "AgentSignInsRevoked"
    public let generation: Int
    public let at: Date

    public init(generation: Int, at: Date) { self.generation = generation; self.at = at }
}

/// The agent signed out of one session; that session is refused until it would have expired.
public struct AgentSignedOut: EventPayload {
    public static let eventType = "AgentSignedOut"
    public let sessionId: UUID
    public let sessionExpiresAt: Date
    public let at: Date

    public init(sessionId: UUID, sessionExpiresAt: Date, at: Date) {
        self.sessionId = sessionId; self.sessionExpiresAt = sessionExpiresAt; self.at = at
    }
}
