import Crypto
import Domain
import EventLog
import Foundation

/// Sales agents' access to the console: administrators issue one-time codes and revoke;
/// agents redeem a code for a session and sign out. Everything is an event in the agent's
/// own stream; sessions themselves are signed cookies the web layer makes and checks here.
public struct AgentAccessService: Sendable {
    /// How long an issued code can be redeemed.
    public static let codeLifetime: Duration = .seconds(15 * 60)

    let store: AggregateStore
    let merchants: MerchantDirectory
    let clock: any WallClock
    /// HKDF of the session key under the label below: hashes codes before they are stored.
    let codeKeyBytes: Data

    public init(store: AggregateStore, merchants: MerchantDirectory, clock: any WallClock, sessionKey: SecretKey) {
        self.store = store
        self.merchants = merchants
        self.clock = clock
        let key = HKDF<SHA256>.deriveKey(inputKeyMaterial: sessionKey.symmetric, info: Data("cartline agent sign-in code v1".utf8), outputByteCount: 32)
        self.codeKeyBytes = key.withUnsafeBytes { Data($0) }
    }

    /// A code issued to an agent, to hand over in person or by a trusted channel.
    public struct IssuedCode: Sendable {
        public let merchantId: String
        public let agentName: String
        public let code: SignInCode
        public let expiresAt: Date
    }

    /// A session started by a redeemed code.
    public struct SignIn: Sendable {
        public let merchantId: String
        public let agentName: String
        public let sessionId: UUID
        public let generation: Int
        public let at: Date
    }

    /// The agent as the merchant's profile names them now (the canonical spelling), or why not.
    public func agent(merchantId: String, named name: String) async throws -> SalesAgent {
        guard let merchant = try await merchants.merchant(merchantId) else { throw AgentAccessError.unknownMerchant(merchantId) }
        guard let agent = AgentAccess.agent(named: name, in: merchant.profile.agents) else {
            throw AgentAccessError.unknownAgent(merchantId: merchantId, agentName: name)
        }
        return agent
    }

    public func issueCode(merchantId: String, agentName: String) async throws -> IssuedCode {
        let agent = try await agent(merchantId: merchantId, named: agentName)
        let code = SignInCode.random()
        let now = clock.now()
        let expiresAt = now.addingTimeInterval(TimeInterval(Self.codeLifetime.components.seconds))
        let issued = SignInCodeIssued(merchantId: merchantId, agentName: agent.name, codeId: UUID(),
                                      codeHash: code.hash(merchantId: merchantId, agentName: agent.name, key: codeKey),
                                      expiresAt: expiresAt, at: now)
        try await store.execute(AgentAccessAggregate.self, try .agent(merchantId: merchantId, agentName: agent.name)) { state in
            try AgentAccess.decide(.issue(issued), state: state, now: now)
        }
        return IssuedCode(merchantId: merchantId, agentName: agent.name, code: code, expiresAt: expiresAt)
    }

    /// Redeems a typed code once; a wrong one is counted and refused.
    public func redeem(merchantId: String, agentName: String, typedCode: String) async throws -> SignIn {
        let agent = try await agent(merchantId: merchantId, named: agentName)
        let stream = try StreamName.agent(merchantId: merchantId, agentName: agent.name)
        guard let code = SignInCode(typed: typedCode) else {
            throw AgentAccessError.wrongCode
        }
        let hash = code.hash(merchantId: merchantId, agentName: agent.name, key: codeKey)
        let sessionId = UUID()
        let now = clock.now()
        var decided: [AgentEvent] = []
        let after = try await store.execute(AgentAccessAggregate.self, stream) { state in
            decided = try AgentAccess.decide(.redeem(codeHash: hash, sessionId: sessionId), state: state, now: now)
            return decided
        }
        guard case .codeRedeemed(let redeemed)? = decided.first else {
            throw after.state.failedAttempts >= AgentAccess.maxFailedAttempts ? AgentAccessError.tooManyAttempts : AgentAccessError.wrongCode
        }
        return SignIn(merchantId: merchantId, agentName: agent.name, sessionId: redeemed.sessionId, generation: redeemed.generation, at: now)
    }

    /// Refuses every session of the agent issued so far, and voids their open codes.
    @discardableResult
    public func revoke(merchantId: String, agentName: String) async throws -> (agentName: String, generation: Int) {
        let agent = try await agent(merchantId: merchantId, named: agentName)
        let now = clock.now()
        let after = try await store.execute(AgentAccessAggregate.self, try .agent(merchantId: merchantId, agentName: agent.name)) { state in
            try AgentAccess.decide(.revoke, state: state, now: now)
        }
        return (agent.name, after.state.generation)
    }

    /// Ends one session for good (its cookie is cleared too, but a copy must not work either).
    public func signOut(merchantId: String, agentName: String, sessionId: UUID, sessionExpiresAt: Date) async throws {
        let now = clock.now()
        try await store.execute(AgentAccessAggregate.self, try .agent(merchantId: merchantId, agentName: agentName)) { state in
            try AgentAccess.decide(.signOut(sessionId: sessionId, sessionExpiresAt: sessionExpiresAt), state: state, now: now)
        }
    }

    /// Whether a session (already verified as ours and unexpired) is still honoured: the
    /// agent is still in the merchant's profile, not revoked since, not signed out.
    public func check(merchantId: String, agentName: String, sessionId: UUID, generation: Int) async throws {
        guard let merchant = try await merchants.merchant(merchantId) else { throw AgentAccessError.unknownMerchant(merchantId) }
        guard merchant.profile.agents.contains(where: { $0.name == agentName }) else {
            throw AgentAccessError.unknownAgent(merchantId: merchantId, agentName: agentName)
        }
        let state = try await store.load(AgentAccessAggregate.self, try .agent(merchantId: merchantId, agentName: agentName)).state
        try AgentAccess.check(sessionId: sessionId, generation: generation, state: state)
    }

    public func now() -> Date { clock.now() }

    private var codeKey: SymmetricKey { SymmetricKey(data: codeKeyBytes) }
}
