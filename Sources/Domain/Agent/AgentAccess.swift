import Foundation

/// One agent's console access folded from their stream: open codes (hashes only), the
/// revocation generation, and the sessions signed out of that have not yet expired.
public struct AgentAccessState: Equatable, Sendable {
    public struct Code: Equatable, Sendable {
        public let codeId: UUID
        public let codeHash: String
        public let expiresAt: Date
        public var used = false
        public var void = false
    }

    /// Codes not yet used or void, oldest first; at most `AgentAccess.maxOpenCodes`.
    public internal(set) var codes: [Code] = []
    /// Bumped by each revocation; a session carrying an older one is refused.
    public internal(set) var generation = 0
    public internal(set) var failedAttempts = 0
    /// Sessions signed out of, with when they would have expired anyway (then forgotten).
    public internal(set) var signedOut: [UUID: Date] = [:]

    public init() {}
}

/// The agent-access decider: pure, the code's hash and the time passed in.
public enum AgentAccess {
    /// Codes kept per agent; issuing one more voids the oldest.
    public static let maxOpenCodes = 5
    /// Wrong codes in a row before every open code is void.
    public static let maxFailedAttempts = 5
    /// Signed-out sessions remembered at once; past it the soonest to expire are forgotten
    /// (they are bounded by how many sessions one agent starts in a session's lifetime).
    public static let maxSignedOutSessions = 1_000

    public enum Command: Equatable, Sendable {
        case issue(SignInCodeIssued)
        case redeem(codeHash: String, sessionId: UUID)
        case revoke
        case signOut(sessionId: UUID, sessionExpiresAt: Date)
    }

    /// The events a command yields. A wrong code yields `SignInAttemptFailed` (while codes
    /// are open, so guesses are counted) and the caller reports `.wrongCode` after appending.
    public static func decide(_ command: Command, state: AgentAccessState, now: Date) throws(AgentAccessError) -> [AgentEvent] {
        switch command {
        case .issue(let issued):
            return [.codeIssued(issued)]
        case .redeem(let codeHash, let sessionId):
            guard let code = state.codes.last(where: { $0.codeHash == codeHash }) else {
                return state.codes.contains { !$0.used && !$0.void && $0.expiresAt > now } ? [.attemptFailed(SignInAttemptFailed(at: now))] : []
            }
            if code.used { throw .codeUsed }
            if code.void { throw state.failedAttempts >= maxFailedAttempts ? .tooManyAttempts : .revoked }
            if code.expiresAt <= now { throw .codeExpired }
            return [.codeRedeemed(SignInCodeRedeemed(codeId: code.codeId, generation: state.generation, sessionId: sessionId, at: now))]
        case .revoke:
            return [.revoked(AgentSignInsRevoked(generation: state.generation + 1, at: now))]
        case .signOut(let sessionId, let expiresAt):
            guard state.signedOut[sessionId] == nil, expiresAt > now else { return [] }
            return [.signedOut(AgentSignedOut(sessionId: sessionId, sessionExpiresAt: expiresAt, at: now))]
        }
    }

    public static func evolve(_ state: AgentAccessState, _ event: AgentEvent) -> AgentAccessState {
        var next = state
        switch event {
        case .codeIssued(let issued):
            next.codes.append(.init(codeId: issued.codeId, codeHash: issued.codeHash, expiresAt: issued.expiresAt))
            next.codes.removeAll { ($0.used || $0.void || $0.expiresAt <= issued.at) && $0.codeId != issued.codeId }
            if next.codes.count > maxOpenCodes { next.codes.removeFirst(next.codes.count - maxOpenCodes) }
            next.failedAttempts = 0
        case .codeRedeemed(let redeemed):
            if let index = next.codes.firstIndex(where: { $0.codeId == redeemed.codeId }) { next.codes[index].used = true }
            next.failedAttempts = 0
        case .attemptFailed:
            next.failedAttempts += 1
            if next.failedAttempts >= maxFailedAttempts { next.codes = next.codes.map { var code = $0; code.void = true; return code } }
        case .revoked(let revoked):
            next.generation = max(next.generation, revoked.generation)
            next.codes = next.codes.map { var code = $0; code.void = true; return code }
        case .signedOut(let out):
            next.signedOut = next.signedOut.filter { $0.value > out.at }
            next.signedOut[out.sessionId] = out.sessionExpiresAt
            if next.signedOut.count > maxSignedOutSessions {
                for (id, _) in next.signedOut.sorted(by: { $0.value < $1.value }).prefix(next.signedOut.count - maxSignedOutSessions) {
                    next.signedOut[id] = nil
                }
            }
        }
        return next
    }

    /// The agent of `agents` that `typed` names: exact match first, else the only one equal
    /// ignoring case and surrounding spaces (people type names as they say them).
    public static func agent(named typed: String, in agents: [SalesAgent]) -> SalesAgent? {
        if let exact = agents.first(where: { $0.name == typed }) { return exact }
        let wanted = typed.trimmingCharacters(in: .whitespaces).lowercased()
        let matches = agents.filter { $0.name.lowercased() == wanted }
        return matches.count == 1 ? matches.first : nil
    }

    /// Whether a session issued at `generation` with `sessionId` is still honoured.
    public static func check(sessionId: UUID, generation: Int, state: AgentAccessState) throws(AgentAccessError) {
        if generation < state.generation { throw .revoked }
        if state.signedOut[sessionId] != nil { throw .signedOut }
    }
}
