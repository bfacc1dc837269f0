import Foundation

/// The agents' work on one call: who claimed it and the outcome recorded last.
public struct CallWorkState: Equatable, Sendable {
    public var claim: CallClaimed?
    public var outcome: CallOutcomeRecorded?

    public init() {}
}

/// The call-work decider: one agent per call, first claim wins; the claimant records outcomes.
public enum CallWork {
    /// Longest note kept with an outcome, in characters.
    public static let maxNoteCharacters = 1_000

    public enum Command: Equatable, Sendable {
        case claim(callId: UUID, merchantId: String, agentName: String)
        case recordOutcome(callId: UUID, merchantId: String, agentName: String, outcome: CallOutcome, note: String?)
    }

    public static func decide(_ command: Command, state: CallWorkState, now: Date) throws(DomainError) -> [CallWorkEvent] {
        switch command {
        case .claim(let callId, let merchantId, let agentName):
            if let claim = state.claim {
                guard claim.agentName == agentName else { throw .rejected(claimedMessage(claim)) }
                return []  // claiming again is a no-op
            }
            return [.claimed(CallClaimed(callId: callId, merchantId: merchantId, agentName: agentName, at: now))]
        case .recordOutcome(let callId, let merchantId, let agentName, let outcome, let note):
            let trimmed = note?.trimmingCharacters(in: .whitespacesAndNewlines)
            if let trimmed, trimmed.count > maxNoteCharacters { throw .invalid("note must be at most \(maxNoteCharacters) characters") }
            var events: [CallWorkEvent] = []
            if let claim = state.claim {
                guard claim.agentName == agentName else { throw .rejected(claimedMessage(claim)) }
            } else {
                // Recording an outcome of an unclaimed call claims it: the agent plainly worked it.
                events.append(.claimed(CallClaimed(callId: callId, merchantId: merchantId, agentName: agentName, at: now)))
            }
            let text = trimmed?.isEmpty == false ? trimmed : nil
            if let last = state.outcome, last.outcome == outcome, last.note == text, last.agentName == agentName { return events }
            events.append(.outcomeRecorded(CallOutcomeRecorded(callId: callId, merchantId: merchantId, agentName: agentName,
                                                               outcome: outcome, note: text, at: now)))
            return events
        }
    }

    public static func evolve(_ state: CallWorkState, _ event: CallWorkEvent) -> CallWorkState {
        var next = state
        switch event {
        case .claimed(let claimed): if next.claim == nil { next.claim = claimed }
        case .outcomeRecorded(let recorded): next.outcome = recorded
        }
        return next
    }

    private static func claimedMessage(_ claim: CallClaimed) -> String {
        "\(claim.agentName) has already claimed this call"
    }
}
