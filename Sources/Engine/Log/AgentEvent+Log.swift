import Domain
import EventLog
import Foundation

extension AgentEvent: LoggedEvent {
    public func encodedForLog() throws(EventLogError) -> EncodedEvent {
        switch self {
        case .codeIssued(let event): try EncodedEvent(event)
        case .codeRedeemed(let event): try EncodedEvent(event)
        case .attemptFailed(let event): try EncodedEvent(event)
        case .revoked(let event): try EncodedEvent(event)
        case .signedOut(let event): try EncodedEvent(event)
        }
    }

    public init(recorded: RecordedEvent) throws(EngineError) {
        switch recorded.type {
        case SignInCodeIssued.eventType: self = .codeIssued(try recorded.payload(SignInCodeIssued.self))
        case SignInCodeRedeemed.eventType: self = .codeRedeemed(try recorded.payload(SignInCodeRedeemed.self))
        case SignInAttemptFailed.eventType: self = .attemptFailed(try recorded.payload(SignInAttemptFailed.self))
        case AgentSignInsRevoked.eventType: self = .revoked(try recorded.payload(AgentSignInsRevoked.self))
        case AgentSignedOut.eventType: self = .signedOut(try recorded.payload(AgentSignedOut.self))
        default: throw recorded.unknownType()
        }
    }
}

/// One agent's access stream folded by the engine.
public enum AgentAccessAggregate: Aggregate {
    public static var initialState: AgentAccessState { AgentAccessState() }
    public static func evolve(_ state: AgentAccessState, _ event: AgentEvent) -> AgentAccessState { AgentAccess.evolve(state, event) }
}

extension StreamName {
    /// `agent-<merchantId>-<uuid>`: the uuid derives from the agent's name, which may hold
    /// spaces and any letters, so the name itself never has to be a valid stream name.
    public static func agent(merchantId: String, agentName: String) throws(EventLogError) -> StreamName {
        let id = EventIDs.uuid(hashing: "agent:\(merchantId):\(agentName)").uuidString.lowercased()
        return try StreamName("agent-\(merchantId)-\(id)")
    }
}
