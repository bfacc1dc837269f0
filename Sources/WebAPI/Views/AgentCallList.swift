/// One page of the agent console's list, with the signed-in agent and how to page on.
struct AgentCallList: Encodable, Sendable {
    let merchantId: String
    /// The signed-in agent.
    let agentName: String
    /// The filter: live, recent or all.
    let status: String
    let page: Int
    let pageSize: Int
    let total: Int
    let pageCount: Int
    let calls: [AgentCallView]
}
