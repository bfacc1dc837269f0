/// The agent console's list.
struct AgentCallList: Encodable, Sendable {
    let merchantId: String
    let calls: [AgentCallView]
}
