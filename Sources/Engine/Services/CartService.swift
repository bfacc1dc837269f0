import Domain
import EventLog
import Foundation

/// The shopper's side of carts: every change is a `Cart` decision appended to the cart's
/// stream. A shopper only ever reaches their own carts: another shopper's cart is
/// `notFound`, exactly like a missing one, so ids cannot be probed.
public struct CartService: Sendable {
    let store: AggregateStore
    let merchants: MerchantDirectory
    let carts: CartDirectory
    let clock: any WallClock

    public init(store: AggregateStore, merchants: MerchantDirectory, carts: CartDirectory, clock: any WallClock) {
        self.store = store
        self.merchants = merchants
        self.carts = carts
        self.clock = clock
    }

    public func open(cartId: UUID, shopperId: UUID, merchantId: String, eventIDs: EventIDs) async throws -> Versioned<CartState> {
        // Unknown: 404; retired: 409 with the reason.
        let merchant = try await merchants.merchantTakingCarts(merchantId)
        let now = clock.now()
        let result = try await store.execute(CartAggregate.self, .cart(cartId), eventIDs: eventIDs) { state in
            // A replayed key re-opens the same cart id: that is the cart, not a conflict.
            if let state, state.shopperId == shopperId, state.merchantId == merchantId { return [] }
            return try Cart.decide(.open(cartId: cartId, shopperId: shopperId, merchantId: merchantId, currency: merchant.profile.currency), state: state, now: now)
        }
        return try owned(result, by: shopperId)
    }

    public func cart(_ cartId: UUID, shopperId: UUID) async throws -> Versioned<CartState> {
        try owned(try await store.load(CartAggregate.self, .cart(cartId)), by: shopperId)
    }

    /// The shopper's carts, newest first.
    public func carts(of shopperId: UUID) async throws -> [Versioned<CartState>] {
        var found: [Versioned<CartState>] = []
        for cartId in try await carts.cartIDs(of: shopperId) {
            if let cart = try? owned(try await store.load(CartAggregate.self, .cart(cartId)), by: shopperId) { found.append(cart) }
        }
        return found
    }

    /// Adds `quantity` of `sku` at the merchant's catalog price (never a client's).
    public func addItem(cartId: UUID, shopperId: UUID, sku: String, quantity: Int,
                        condition: WriteCondition, eventIDs: EventIDs) async throws -> Versioned<CartState> {
        // The cached fold is enough to find the merchant; the append checks the version.
        let loaded = try owned(try await store.latestKnown(CartAggregate.self, .cart(cartId)), by: shopperId)
        guard let merchant = try await merchants.merchant(loaded.state.merchantId) else {
            throw DomainError.rejected("the cart's merchant \(loaded.state.merchantId) is no longer registered")
        }
        guard let item = merchant.profile.item(sku) else { throw DomainError.invalid("\(merchant.id) sells no item with sku '\(sku)'") }
        return try await change(cartId: cartId, shopperId: shopperId, command: .addItem(item, quantity: quantity),
                                condition: condition, eventIDs: eventIDs,
                                preloaded: condition == .latest ? Versioned(state: loaded.state, version: loaded.version) : nil)
    }

    /// Any other change the shopper asks for.
    public func change(cartId: UUID, shopperId: UUID, command: CartCommand, condition: WriteCondition,
                       eventIDs: EventIDs, preloaded: Versioned<CartState>? = nil) async throws -> Versioned<CartState> {
        let now = clock.now()
        let result = try await store.execute(CartAggregate.self, .cart(cartId), condition: condition, eventIDs: eventIDs,
                                             preloaded: preloaded.map { Versioned(state: $0.state, version: $0.version) }) { state in
            guard let state, state.shopperId == shopperId else { throw DomainError.notFound("no such cart") }
            return try Cart.decide(command, state: state, now: now)
        }
        return try owned(result, by: shopperId)
    }

    private func owned(_ loaded: Versioned<CartState?>, by shopperId: UUID) throws -> Versioned<CartState> {
        guard let state = loaded.state, state.shopperId == shopperId else { throw DomainError.notFound("no such cart") }
        return Versioned(state: state, version: loaded.version)
    }
}
