/// `POST /v1/agent/sign-in`.
struct AgentSignInBody: Decodable, Sendable {
    static let fields: Set<String> = ["merchantId", "agentName", "code"]
    /// Small: three short strings.
    static let maxBytes = 4 * 1_024
    let merchantId: String
    let agentName: String
    let code: String
}

/// `POST /v1/agent/calls/{callId}/outcome`.
struct AgentOutcomeBody: Decodable, Sendable {
    static let fields: Set<String> = ["outcome", "note"]
    static let maxBytes = 8 * 1_024
    let outcome: String
    let note: String?
}
