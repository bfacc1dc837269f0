import Foundation

/// A one-time sign-in code for one agent, as the admin API hands it out.
struct AgentSignInCodeView: Encodable, Sendable {
    let merchantId: String
    let agentName: String
    /// `ABCD-EFGH`; shown once, stored only as a keyed hash.
    let code: String
    let expiresAt: Date
    /// Where the agent types it.
    let console: String
}

/// The answer to a revocation.
struct AgentRevokedView: Encodable, Sendable {
    let merchantId: String
    let agentName: String
    let generation: Int
}
