import Domain
import Engine
import Foundation

/// One call as the agent sees it: the shopper's cart (the screen pop) and where the call
/// stands. Not the destination: the node dials it, the agent never needs it.
struct AgentCallView: Encodable, Sendable {
    let callId: String
    /// `CallState.Phase`, as in the shopper's view.
    let status: String
    let statusText: String
    let requestedAt: Date
    let mode: String
    let agentName: String
    let talkingSince: Date?
    let durationSeconds: Int64?
    let reason: String?
    let cart: CartView?

    init(call: CallRequested, state: CallState, cart: Versioned<CartState>?) {
        self.callId = call.callId.uuidString.lowercased()
        self.status = state.phase.rawValue
        self.statusText = CallWords.forAgent(state, request: call)
        self.requestedAt = call.at
        self.mode = call.mode.rawValue
        self.agentName = call.agentName
        self.talkingSince = state.phase == .talking ? state.bridgedAt : nil
        self.durationSeconds = CallWords.durationSeconds(of: state)
        self.reason = state.phase == .failed ? state.failed?.reason : nil
        self.cart = cart.map(CartView.init)
    }
}
