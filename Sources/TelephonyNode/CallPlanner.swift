import Domain
import Engine
import Foundation
import Telephony

/// Turns a call's intent into what telephony needs: the destination opened from its seal
/// (the shopper's key; gone when the shopper was erased) and the handler's header fields.
struct CallPlanner: Sendable {
    let store: AggregateStore
    let vault: PersonalDataVault

    enum Failure: Error { case destinationUnreadable, browserCallWithoutExpiry, consoleAgentWithoutExpiry }

    func plan(_ call: CallRequested) async throws -> CallPlan {
        let destination: String
        let mode: CallPlan.Mode
        switch call.mode {
        case .pstn: mode = .pstn
        case .voip: mode = .voip
        case .browser: mode = .browser
        }
        if call.mode == .browser {
            // The page's gateway user, derived from the call as the web edge derives it.
            guard let user = call.browserSIPUser else { throw Failure.browserCallWithoutExpiry }
            destination = user
        } else if call.destination.hasPrefix(PersonalDataVault.sealedPrefix) {
            guard let opened = try await vault.open(call.destination, for: call.shopperId) else { throw Failure.destinationUnreadable }
            destination = opened
        } else {
            destination = call.destination  // written before destinations were sealed
        }
        let cart = try? await store.load(CartAggregate.self, .cart(call.cartId)).state
        return CallPlan(callId: call.callId, mode: mode, destination: destination,
                        agentName: call.agentName, agentURI: try agentAddress(call), cartId: call.cartId.uuidString.lowercased(),
                        cartValue: cart.map { $0.total.description } ?? "", shopperName: "shopper")
    }

    /// The agent's SIP URI, or for an agent who answers in the console, the console's
    /// gateway user (derived from the call as the web edge derives it).
    private func agentAddress(_ call: CallRequested) throws -> String {
        guard call.agentAnswersInConsole else { return call.agentSipUri }
        guard let user = call.agentBrowserSIPUser else { throw Failure.consoleAgentWithoutExpiry }
        return user
    }
}
