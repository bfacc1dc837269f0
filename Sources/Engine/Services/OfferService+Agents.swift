import Domain
import EventLog
import Foundation
import PostgresNIO

extension OfferService {
    /// A merchant's calls, newest first (bounded), each with its state folded from its
    /// stream and the shopper's cart as it is now.
    public func calls(ofMerchant merchantId: String, limit: Int = 100) async throws
        -> [(call: CallRequested, state: CallState, cart: Versioned<CartState>?)] {
        let log = store.log
        let client = log.client
        let logger = log.logger
        let calls: [CallRequested] = try await log.run("list merchant calls") {
            let rows = try await client.query("""
                SELECT data::text FROM events
                WHERE event_type = 'CallRequested' AND stream_id LIKE 'call-%' AND data->>'merchantId' = \(merchantId)
                ORDER BY global_position DESC LIMIT \(limit)
                """, logger: logger)
            var calls: [CallRequested] = []
            for try await text in rows.decode(String.self) {
                if let call = try? JSONPayload(validating: text).decode(as: CallRequested.self) { calls.append(call) }
            }
            return calls
        }
        var result: [(CallRequested, CallState, Versioned<CartState>?)] = []
        for call in calls {
            let state = try await store.load(CallAggregate.self, .call(call.callId)).state
            let cart = try await store.load(CartAggregate.self, .cart(call.cartId))
            result.append((call, state, cart.state.map { Versioned(state: $0, version: cart.version) }))
        }
        return result
    }
}
