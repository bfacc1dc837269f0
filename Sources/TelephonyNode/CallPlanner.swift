import Domain
import Engine
import Foundation
import Telephony

/// Turns a call's intent into what telephony needs: the destination opened from its seal
/// (the shopper's key; gone when the shopper was erased) and the handler's header fields.
struct CallPlanner: Sendable {
    let store: AggregateStore
    let vault: PersonalDataVault

    enum Failure: Error { case destinationUnreadable }

    func plan(_ call: CallRequested) async throws -> CallPlan {
        let destination: String
        if call.destination.hasPrefix(PersonalDataVault.sealedPrefix) {
            guard let opened = try await vault.open(call.destination, for: call.shopperId) else { throw Failure.destinationUnreadable }
            destination = opened
        } else {
            destination = call.destination  // written before destinations were sealed
        }
        let cart = try? await store.load(CartAggregate.self, .cart(call.cartId)).state
        return CallPlan(callId: call.callId, mode: call.mode == .pstn ? .pstn : .voip, destination: destination,
                        agentName: call.agentName, agentURI: call.agentSipUri, cartId: call.cartId.uuidString.lowercased(),
                        cartValue: cart.map { $0.total.description } ?? "", shopperName: "shopper")
    }
}
