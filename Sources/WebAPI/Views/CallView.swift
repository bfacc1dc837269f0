import Domain
import Foundation

/// A call as its shopper sees it, folded from the `call-<id>` stream: where it stands, in
/// words, and how long it lasted. Never the destination: a phone number or SIP URI is
/// personal data (sealed in the log), so the answer names the mode in words instead.
struct CallView: Encodable, Sendable {
    let callId: String
    /// `CallState.Phase`: requested, connecting, ringing, answered, talking, ended, failed.
    let status: String
    let statusText: String
    let cartId: String
    let mode: String
    /// "on your phone", "on your SIP phone".
    let modeText: String
    let agentName: String
    let requestedAt: Date
    /// When the agent joined; the page ticks the conversation's length from it.
    let talkingSince: Date?
    /// Once ended: the conversation's length (billable, else from the customer's answer).
    let durationSeconds: Int64?
    /// Once failed: the stable reason word (`no-answer`, `busy` …).
    let reason: String?
    /// Whether the shopper may still cancel it (not yet connected, no cancel asked yet).
    let cancellable: Bool
    /// Whether the shopper may ask for a new call (this one failed).
    let retryable: Bool

    /// Nil for a state without its `CallRequested` (not a call).
    init?(_ state: CallState) {
        guard let request = state.request else { return nil }
        self.init(request, state: state)
    }

    /// The call `request` asked for, as `state` folds it.
    init(_ request: CallRequested, state: CallState) {
        self.callId = request.callId.uuidString.lowercased()
        self.status = state.phase.rawValue
        self.statusText = CallWords.forShopper(state, request: request)
        self.cartId = request.cartId.uuidString.lowercased()
        self.mode = request.mode.rawValue
        self.modeText = CallWords.mode(request.mode)
        self.agentName = request.agentName
        self.requestedAt = request.at
        self.talkingSince = state.phase == .talking ? state.bridgedAt : nil
        self.durationSeconds = CallWords.durationSeconds(of: state)
        self.reason = state.phase == .failed ? state.failed?.reason : nil
        self.cancellable = Call.isCancellable(state) && state.cancelRequestedAt == nil
        self.retryable = state.phase == .failed && state.failed?.reason != "cart-completed"
    }

    /// The state of a call nothing has happened to yet (the answer to the request itself).
    static func justRequested(_ call: CallRequested) -> CallState {
        Call.evolve(CallState(), .requested(call))
    }
}
