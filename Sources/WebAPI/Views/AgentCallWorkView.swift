import Domain
import Foundation

/// Who claimed a call, and when.
struct AgentClaimView: Encodable, Sendable {
    let agentName: String
    let at: Date

    init(_ claim: CallClaimed) { self.agentName = claim.agentName; self.at = claim.at }
}

/// The outcome an agent recorded for a call.
struct AgentOutcomeView: Encodable, Sendable {
    let outcome: String
    let note: String?
    let agentName: String
    let at: Date

    init(_ recorded: CallOutcomeRecorded) {
        self.outcome = recorded.outcome.rawValue; self.note = recorded.note; self.agentName = recorded.agentName; self.at = recorded.at
    }
}

/// The answer to a claim or an outcome: the agents' work on the call as it stands.
struct AgentCallWorkView: Encodable, Sendable {
    let callId: String
    let claimedBy: AgentClaimView?
    let outcome: AgentOutcomeView?

    init(callId: UUID, _ work: CallWorkState) {
        self.callId = callId.uuidString.lowercased()
        self.claimedBy = work.claim.map(AgentClaimView.init)
        self.outcome = work.outcome.map(AgentOutcomeView.init)
    }
}
