import Domain
import Engine
import Foundation

/// The agent console's list.
struct AgentCallList: Encodable, Sendable {
    let merchantId: String
    let calls: [AgentCallView]
}

/// One call as the agent sees it when it comes in.
struct AgentCallView: Encodable, Sendable {
    let callId: String
    let status: String
    let requestedAt: Date
    let mode: String
    let destination: String
    let agentName: String
    let cart: CartView?

    init(call: CallRequested, cart: Versioned<CartState>?) {
        self.callId = call.callId.uuidString.lowercased()
        self.status = "requested"
        self.requestedAt = call.at
        self.mode = call.mode.rawValue
        self.destination = call.destination
        self.agentName = call.agentName
        self.cart = cart.map(CartView.init)
    }
}
