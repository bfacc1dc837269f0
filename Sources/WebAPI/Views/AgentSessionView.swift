import Foundation

/// The signed-in agent, as the console shows it.
struct AgentSessionView: Encodable, Sendable {
    let merchantId: String
    let agentName: String
    let issuedAt: Date
    let expiresAt: Date

    init(_ session: AgentSession) {
        self.merchantId = session.merchantId
        self.agentName = session.agentName
        self.issuedAt = session.issuedAtDate
        self.expiresAt = session.expiresAtDate
    }
}
