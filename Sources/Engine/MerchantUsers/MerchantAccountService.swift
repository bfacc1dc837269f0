import Crypto
import Domain
import EventLog
import Foundation

/// Merchants' console accounts: the platform administrator or an owner invites a user
/// (a one-time code), the user sets a password with it, then signs in with login and
/// password. Everything is a `MerchantUsers` decision on the merchant's
/// `merchantusers-<merchantId>` stream; sessions themselves are signed cookies the web
/// layer makes and checks here.
public struct MerchantAccountService: Sendable {
    /// How long an invitation code can be redeemed.
    public static let invitationLifetime: Duration = .seconds(72 * 3_600)
    /// Password checks at once in this process: each is ~0.1 s of one core, so a burst of
    /// sign-ins waits here instead of starving every other request of the two cores.
    public static let maxConcurrentPasswordChecks = 2

    let store: AggregateStore
    let merchants: MerchantDirectory
    let clock: any WallClock
    let hasher: PasswordHasher
    let codeKeyBytes: Data
    let gate: PasswordCheckGate

    public init(store: AggregateStore, merchants: MerchantDirectory, clock: any WallClock, sessionKey: SecretKey,
                hasher: PasswordHasher = PasswordHasher()) {
        self.store = store
        self.merchants = merchants
        self.clock = clock
        self.hasher = hasher
        let key = HKDF<SHA256>.deriveKey(inputKeyMaterial: sessionKey.symmetric, info: Data("cartline merchant invitation code v1".utf8),
                                         outputByteCount: 32)
        self.codeKeyBytes = key.withUnsafeBytes { Data($0) }
        self.gate = PasswordCheckGate(limit: Self.maxConcurrentPasswordChecks)
    }

    /// An invitation to hand to the user in person or by a trusted channel.
    public struct Invitation: Sendable {
        public let merchantId: String
        public let login: String
        public let role: MerchantRole
        public let code: SignInCode
        public let expiresAt: Date
    }

    /// A session just started.
    public struct SignIn: Sendable {
        public let merchantId: String
        public let login: String
        public let role: MerchantRole
        public let sessionId: UUID
        public let generation: Int
        public let at: Date
    }

    /// Invites `login` (or invites them again with a new code); `by` is `admin` or an owner's login.
    public func invite(merchantId: String, login typed: String, role: MerchantRole, by: String) async throws -> Invitation {
        guard try await merchants.merchant(merchantId) != nil else { throw DomainError.notFound("no merchant \(merchantId.prefix(40))") }
        let login = try MerchantLogin.normalise(typed)
        let code = SignInCode.random()
        let now = clock.now()
        let expiresAt = now.addingTimeInterval(TimeInterval(Self.invitationLifetime.components.seconds))
        let invited = MerchantUserInvited(merchantId: merchantId, login: login, role: role, codeId: UUID(),
                                          codeHash: code.hash(merchantId: merchantId, agentName: login, key: codeKey),
                                          expiresAt: expiresAt, invitedBy: by, at: now)
        try await store.execute(MerchantUsersAggregate.self, try .merchantUsers(merchantId)) { state in
            try MerchantUsers.decide(.invite(invited), state: state, now: now)
        }
        return Invitation(merchantId: merchantId, login: login, role: role, code: code, expiresAt: expiresAt)
    }

    /// Redeems an invitation code with a new password, which starts a session.
    public func setPassword(merchantId: String, login typed: String, typedCode: String, password: String) async throws -> SignIn {
        try MerchantUsers.validatePassword(password)
        guard let login = try? MerchantLogin.normalise(typed), (try? Merchant.validateID(merchantId)) != nil,
              let code = SignInCode(typed: typedCode) else { throw MerchantUserError.wrongCode }
        let codeHash = code.hash(merchantId: merchantId, agentName: login, key: codeKey)
        let stream = try StreamName.merchantUsers(merchantId)
        let now = clock.now()
        // The slow hash only for a code that is right: a wrong one is counted without it, so
        // guessing codes cannot make the server burn a core per guess.
        let before = try await store.load(MerchantUsersAggregate.self, stream).state.user(login)
        let codeMatches = before?.codeHash.map { MerchantUsers.constantTimeEqual($0, codeHash) } ?? false
        let passwordHash = codeMatches ? try await gate.run { try hasher.hash(password) } : ""
        let sessionId = UUID()
        var decided: [MerchantUserEvent] = []
        let after = try await store.execute(MerchantUsersAggregate.self, stream) { state in
            decided = try MerchantUsers.decide(.setPassword(login: login, codeHash: codeHash, passwordHash: passwordHash, sessionId: sessionId),
                                               state: state, now: now)
            return decided
        }
        guard case .signedIn(let signedIn)? = decided.last, let user = after.state.user(login) else {
            if let until = after.state.user(login)?.lockedUntil, until > now { throw MerchantUserError.lockedOut(until: until) }
            throw MerchantUserError.wrongCode
        }
        return SignIn(merchantId: merchantId, login: login, role: user.role, sessionId: signedIn.sessionId, generation: signedIn.generation, at: now)
    }

    /// Signs in with login and password. A wrong password is counted; after
    /// `MerchantUsers.maxFailedAttempts` in a row the user is locked out for a while.
    public func signIn(merchantId: String, login typed: String, password: String) async throws -> SignIn {
        guard let login = try? MerchantLogin.normalise(typed), (try? Merchant.validateID(merchantId)) != nil,
              password.count <= MerchantUsers.passwordCharacters.upperBound else {
            throw MerchantUserError.wrongCredentials
        }
        let stream = try StreamName.merchantUsers(merchantId)
        let before = try await store.load(MerchantUsersAggregate.self, stream).state
        let now = clock.now()
        guard let user = before.user(login), let stored = user.passwordHash, !user.revoked else {
            // The same work as a real check, so timing does not tell which logins exist.
            try await gate.run { hasher.burn(password) }
            throw MerchantUserError.wrongCredentials
        }
        if let until = user.lockedUntil, until > now { throw MerchantUserError.lockedOut(until: until) }
        let matched = try await gate.run { hasher.verify(password, against: stored) }
        let sessionId = UUID()
        var decided: [MerchantUserEvent] = []
        let after = try await store.execute(MerchantUsersAggregate.self, stream) { state in
            // The password checked is the one stored now: a change meanwhile fails this sign-in.
            let same = state.user(login)?.passwordHash == stored
            decided = try MerchantUsers.decide(.signIn(login: login, passwordMatched: matched && same, sessionId: sessionId), state: state, now: now)
            return decided
        }
        guard case .signedIn(let signedIn)? = decided.first, let current = after.state.user(login) else {
            if let until = after.state.user(login)?.lockedUntil, until > now { throw MerchantUserError.lockedOut(until: until) }
            throw MerchantUserError.wrongCredentials
        }
        return SignIn(merchantId: merchantId, login: login, role: current.role, sessionId: signedIn.sessionId,
                      generation: signedIn.generation, at: now)
    }

    /// Ends one session for good (its cookie is cleared too, but a copy must not work either).
    public func signOut(merchantId: String, login: String, sessionId: UUID, sessionExpiresAt: Date) async throws {
        let now = clock.now()
        try await store.execute(MerchantUsersAggregate.self, try .merchantUsers(merchantId)) { state in
            try MerchantUsers.decide(.signOut(login: login, sessionId: sessionId, sessionExpiresAt: sessionExpiresAt), state: state, now: now)
        }
    }

    /// Refuses every session of the user, and their password and open code.
    @discardableResult
    public func revoke(merchantId: String, login typed: String, by: String) async throws -> (login: String, generation: Int) {
        guard let login = try? MerchantLogin.normalise(typed) else { throw MerchantUserError.unknownUser(typed) }
        let now = clock.now()
        let after = try await store.execute(MerchantUsersAggregate.self, try .merchantUsers(merchantId)) { state in
            try MerchantUsers.decide(.revoke(login: login, by: by), state: state, now: now)
        }
        return (login, after.state.user(login)?.generation ?? 0)
    }

    /// The user of a session (already verified as ours and unexpired) if it is still
    /// honoured: the merchant exists, the user is not revoked since, not signed out.
    public func check(merchantId: String, login: String, sessionId: UUID, generation: Int) async throws -> MerchantUsersState.User {
        guard try await merchants.merchant(merchantId) != nil else { throw MerchantUserError.revoked }
        let state = try await store.load(MerchantUsersAggregate.self, try .merchantUsers(merchantId)).state
        return try MerchantUsers.check(login: login, sessionId: sessionId, generation: generation, state: state)
    }

    /// The merchant's console users, in the order invited.
    public func users(merchantId: String) async throws -> [MerchantUsersState.User] {
        try await store.load(MerchantUsersAggregate.self, try .merchantUsers(merchantId)).state.users
    }

    public func now() -> Date { clock.now() }

    private var codeKey: SymmetricKey { SymmetricKey(data: codeKeyBytes) }
}
