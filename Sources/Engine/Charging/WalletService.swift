import Billing
import Domain
import EventLog
import Foundation

/// A shopper's prepaid wallet: what it holds and the top-ups that fill it. A top-up stands
/// for a payment taken outside Cartline (a card, a voucher) and is recorded as a transfer
/// from the settlement account.
public struct WalletService: Sendable {
    let store: AggregateStore
    let clock: any WallClock

    public init(store: AggregateStore, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    /// The wallet as its stream stands (an empty one for a shopper who never topped up).
    public func wallet(of shopperId: UUID) async throws -> WalletState {
        try await store.load(WalletAggregate.self, .wallet(shopperId)).state
    }

    /// Adds `amountMicros` of `currency`. With derived `eventIDs` (an `Idempotency-Key`) the
    /// posting id derives from them too, so a retry adds nothing twice.
    public func topUp(shopperId: UUID, amountMicros: Int64, currency: Currency, eventIDs: EventIDs) async throws -> WalletState {
        let postingId = "topup:\(eventIDs.id(at: -1).uuidString.lowercased())"
        let now = clock.now()
        return try await store.execute(WalletAggregate.self, .wallet(shopperId), eventIDs: eventIDs) { state in
            try Wallet.topUp(shopperId: shopperId, postingId: postingId, amountMicros: amountMicros, currency: currency, state: state, now: now)
        }.state
    }
}
