import Foundation

/// A merchant's console users folded from their stream.
public struct MerchantUsersState: Equatable, Sendable {
    public struct User: Equatable, Sendable {
        public let login: String
        public internal(set) var role: MerchantRole
        public internal(set) var invitedAt: Date
        /// The open invitation (one at a time: a new one replaces it).
        public internal(set) var codeId: UUID?
        public internal(set) var codeHash: String?
        public internal(set) var codeExpiresAt: Date?
        /// Set once the user chose a password; nil again after a revocation.
        public internal(set) var passwordHash: String?
        public internal(set) var generation = 0
        public internal(set) var failedAttempts = 0
        public internal(set) var lockedUntil: Date?
        public internal(set) var lastSignInAt: Date?
        public internal(set) var revoked = false
        /// Sessions signed out of, with when they would have expired anyway (then forgotten).
        public internal(set) var signedOut: [UUID: Date] = [:]

        /// Whether the user can sign in now with a password.
        public var isActive: Bool { passwordHash != nil && !revoked }
    }

    /// By login, in the order invited.
    public internal(set) var users: [User] = []

    public init() {}

    public func user(_ login: String) -> User? { users.first { $0.login == login } }
}

/// The merchant-users decider: pure; hashes (of codes, of passwords) and time passed in.
/// Checking a typed password against its hash is the engine's (a slow KDF); the decider
/// records the verdict and keeps the count of failures that bounds guessing.
public enum MerchantUsers {
    /// Console users per merchant.
    public static let maxUsers = 100
    /// Failed passwords or codes in a row before the user is locked out.
    public static let maxFailedAttempts = 5
    /// How long a lock-out lasts.
    public static let lockoutSeconds: TimeInterval = 15 * 60
    /// Signed-out sessions remembered per user; past it the soonest to expire are forgotten.
    public static let maxSignedOutSessions = 200
    /// Shortest and longest password accepted.
    public static let passwordCharacters = 10...128

    public enum Command: Equatable, Sendable {
        case invite(MerchantUserInvited)
        /// A password chosen with the invitation code whose hash is `codeHash`.
        case setPassword(login: String, codeHash: String, passwordHash: String, sessionId: UUID)
        /// `passwordMatched`: the engine's verdict on the typed password.
        case signIn(login: String, passwordMatched: Bool, sessionId: UUID)
        case signOut(login: String, sessionId: UUID, sessionExpiresAt: Date)
        case revoke(login: String, by: String)
    }

    /// The events a command yields. Failures that count (a wrong password or code) yield
    /// `MerchantSignInFailed` and the caller reports them after appending.
    public static func decide(_ command: Command, state: MerchantUsersState, now: Date) throws(MerchantUserError) -> [MerchantUserEvent] {
        switch command {
        case .invite(let invited):
            if state.user(invited.login) == nil, state.users.count >= maxUsers { throw .tooManyUsers(maxUsers) }
            return [.invited(invited)]
        case .setPassword(let login, let codeHash, let passwordHash, let sessionId):
            guard let user = state.user(login) else { throw .wrongCode }
            if let until = user.lockedUntil, until > now { throw .lockedOut(until: until) }
            guard let codeId = user.codeId, let expected = user.codeHash else {
                throw user.revoked ? .revoked : user.passwordHash != nil ? .codeUsed : .wrongCode
            }
            guard constantTimeEqual(expected, codeHash) else { return [.attemptFailed(MerchantSignInFailed(login: login, at: now))] }
            if let expiresAt = user.codeExpiresAt, expiresAt <= now { throw .codeExpired }
            // No hash: the caller skipped the slow hash because the code did not match when it looked.
            guard !passwordHash.isEmpty else { throw .wrongCode }
            return [.passwordSet(MerchantPasswordSet(login: login, codeId: codeId, passwordHash: passwordHash, at: now)),
                    .signedIn(MerchantUserSignedIn(login: login, sessionId: sessionId, generation: user.generation, at: now))]
        case .signIn(let login, let matched, let sessionId):
            guard let user = state.user(login), user.isActive else { throw .wrongCredentials }
            if let until = user.lockedUntil, until > now { throw .lockedOut(until: until) }
            guard matched else { return [.attemptFailed(MerchantSignInFailed(login: login, at: now))] }
            return [.signedIn(MerchantUserSignedIn(login: login, sessionId: sessionId, generation: user.generation, at: now))]
        case .signOut(let login, let sessionId, let expiresAt):
            guard let user = state.user(login), user.signedOut[sessionId] == nil, expiresAt > now else { return [] }
            return [.signedOut(MerchantUserSignedOut(login: login, sessionId: sessionId, sessionExpiresAt: expiresAt, at: now))]
        case .revoke(let login, let by):
            guard let user = state.user(login) else { throw .unknownUser(login) }
            return [.revoked(MerchantUserRevoked(login: login, generation: user.generation + 1, revokedBy: by, at: now))]
        }
    }

    public static func evolve(_ state: MerchantUsersState, _ event: MerchantUserEvent) -> MerchantUsersState {
        var next = state
        func change(_ login: String, _ body: (inout MerchantUsersState.User) -> Void) {
            guard let index = next.users.firstIndex(where: { $0.login == login }) else { return }
            body(&next.users[index])
        }
        switch event {
        case .invited(let invited):
            if next.user(invited.login) == nil {
                next.users.append(.init(login: invited.login, role: invited.role, invitedAt: invited.at))
            }
            change(invited.login) { user in
                user.role = invited.role
                user.invitedAt = invited.at
                user.codeId = invited.codeId
                user.codeHash = invited.codeHash
                user.codeExpiresAt = invited.expiresAt
                user.failedAttempts = 0
                user.lockedUntil = nil
            }
        case .passwordSet(let set):
            change(set.login) { user in
                user.passwordHash = set.passwordHash
                user.codeId = nil; user.codeHash = nil; user.codeExpiresAt = nil
                user.revoked = false
                user.failedAttempts = 0
                user.lockedUntil = nil
            }
        case .signedIn(let signedIn):
            change(signedIn.login) { user in
                user.failedAttempts = 0
                user.lockedUntil = nil
                user.lastSignInAt = signedIn.at
            }
        case .attemptFailed(let failed):
            change(failed.login) { user in
                // A lock that has run out starts the count afresh.
                if let until = user.lockedUntil, until <= failed.at { user.lockedUntil = nil; user.failedAttempts = 0 }
                user.failedAttempts += 1
                if user.failedAttempts >= maxFailedAttempts {
                    user.lockedUntil = failed.at.addingTimeInterval(lockoutSeconds)
                    user.failedAttempts = 0
                }
            }
        case .signedOut(let out):
            change(out.login) { user in
                user.signedOut = user.signedOut.filter { $0.value > out.at }
                user.signedOut[out.sessionId] = out.sessionExpiresAt
                if user.signedOut.count > maxSignedOutSessions {
                    for (id, _) in user.signedOut.sorted(by: { $0.value < $1.value }).prefix(user.signedOut.count - maxSignedOutSessions) {
                        user.signedOut[id] = nil
                    }
                }
            }
        case .revoked(let revoked):
            change(revoked.login) { user in
                user.generation = max(user.generation, revoked.generation)
                user.revoked = true
                user.passwordHash = nil
                user.codeId = nil; user.codeHash = nil; user.codeExpiresAt = nil
            }
        }
        return next
    }

    /// Whether a session of `login` issued at `generation` is still honoured.
    public static func check(login: String, sessionId: UUID, generation: Int, state: MerchantUsersState) throws(MerchantUserError) -> MerchantUsersState.User {
        guard let user = state.user(login) else { throw .revoked }
        if user.revoked || generation < user.generation { throw .revoked }
        if user.signedOut[sessionId] != nil { throw .signedOut }
        return user
    }

    /// Whether `password` is acceptable: 10…128 characters, not all one character.
    public static func validatePassword(_ password: String) throws(MerchantUserError) {
        guard passwordCharacters.contains(password.count) else {
            throw .weakPassword("a password has \(passwordCharacters.lowerBound)…\(passwordCharacters.upperBound) characters")
        }
        guard Set(password).count >= 4 else { throw .weakPassword("a password needs at least 4 different characters") }
    }

    /// Compares two hashes without stopping at the first difference.
    public static func constantTimeEqual(_ left: String, _ right: String) -> Bool {
        let a = Array(left.utf8), b = Array(right.utf8)
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<min(a.count, b.count) { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
