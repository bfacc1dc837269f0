import Foundation

/// A call's state folded from its stream, and the words a person reads for it.
public struct CallState: Equatable, Sendable {
    public enum Phase: String, Sendable, Codable { case requested, connecting, ringing, answered, talking, ended, failed }

    public var request: CallRequested?
    public var phase: Phase = .requested
    public var node: String?
    public var channel: Int?
    public var answeredAt: Date?
    public var bridgedAt: Date?
    public var ended: CallEnded?
    public var failed: CallFailed?
    /// When the shopper asked to cancel (the call is not over until its node says so).
    public var cancelRequestedAt: Date?

    public init() {}

    public var isFinished: Bool { phase == .ended || phase == .failed }
}

public enum Call {
    public static func evolve(_ state: CallState, _ event: CallEvent) -> CallState {
        var next = state
        switch event {
        case .requested(let requested): next.request = requested
        case .channelAssigned(let assigned):
            next.node = assigned.node
            next.channel = assigned.channel
            if !state.isFinished { next.phase = .connecting }
        case .ringing: if !state.isFinished { next.phase = .ringing }
        case .answered(let answered):
            next.answeredAt = answered.at
            if !state.isFinished { next.phase = .answered }
        case .agentBridged(let bridged):
            next.bridgedAt = bridged.at
            if !state.isFinished { next.phase = .talking }
        case .ended(let ended):
            next.ended = ended
            next.phase = .ended
        case .failed(let failed):
            next.failed = failed
            next.phase = .failed
        case .cancelRequested(let cancel):
            next.cancelRequestedAt = cancel.at
        }
        return next
    }

    /// Whether the shopper may still cancel: the call is not yet connected.
    public static func isCancellable(_ state: CallState) -> Bool {
        switch state.phase {
        case .requested, .connecting, .ringing: true
        case .answered, .talking, .ended, .failed: false
        }
    }

    /// The shopper cancels the call. A call no node has claimed yet fails at once (the
    /// caller appends at the version it read, so a node claiming it at the same moment
    /// loses the race or wins it cleanly); a claimed call that is still dialling or ringing
    /// gets a request its node carries out. Once connected, the shopper hangs up instead.
    public static func cancel(_ state: CallState, now: Date) throws(DomainError) -> [CallEvent] {
        guard let request = state.request else { throw .notFound("no such call") }
        switch state.phase {
        case .requested:
            return [.failed(CallFailed(callId: request.callId, reason: "shopper-cancelled", sipStatus: nil, at: now))]
        case .connecting, .ringing:
            if state.cancelRequestedAt != nil { return [] }  // a retried cancel
            return [.cancelRequested(CallCancelRequested(callId: request.callId, at: now))]
        case .answered, .talking:
            throw .rejected("the call is connected: hang up your phone to end it")
        case .failed where state.failed?.reason == "shopper-cancelled":
            return []  // a retried cancel
        case .ended, .failed:
            throw .rejected("the call is already over")
        }
    }

    /// What the shopper is told about a failure, in words a person understands.
    public static func explain(failure reason: String) -> String {
        switch reason {
        case "busy": "Your line was busy."
        case "declined": "The call was declined."
        case "no-answer": "We couldn't reach you: nobody answered."
        case "not-found": "We couldn't reach that number or address."
        case "unavailable", "network-timeout": "The phone network could not be reached just now."
        case "no-agent": "No sales agent was free to take the call."
        case "node-restarted": "The call was interrupted on our side."
        case "cancelled": "The call was cancelled."
        case "shopper-cancelled": "You cancelled the call."
        case "cart-completed": "You completed your purchase, so we cancelled the call."
        default: "Something went wrong on our side while placing the call."
        }
    }
}
