import CartlineTestSupport
import Domain
import Engine
import EventLog
import Foundation
import Testing

/// Two processes on one log, each with its own cache of folded streams: a decision made on
/// a fold that the other process has since moved on must not be believed when it refuses
/// or does nothing (only an append checks the version).
@Suite("AggregateStore with a cache that another process made stale")
struct AggregateStoreTests {
    static let eur = try! Currency("EUR")
    static let grinder = try! CatalogItem(sku: "grinder", name: "Grinder", unitPrice: Money(amountMicros: 129_500_000, currency: eur))

    @Test func aRefusalDecidedOnAStaleFoldIsCheckedAgainstTheStream() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let here = AggregateStore(log: log)
                let elsewhere = AggregateStore(log: log)
                let cartId = UUID()
                let now = Date(timeIntervalSince1970: 1_764_072_000)
                try await here.execute(CartAggregate.self, .cart(cartId)) { state in
                    try Cart.decide(.open(cartId: cartId, shopperId: UUID(), merchantId: "shop", currency: Self.eur), state: state, now: now)
                }
                // `elsewhere` adds the item; `here` still holds the empty cart in its cache.
                try await elsewhere.execute(CartAggregate.self, .cart(cartId)) { state in
                    try Cart.decide(.addItem(Self.grinder, quantity: 1), state: state, now: now)
                }
                // On the stale fold, removing the grinder is "no such item"; on the stream it is fine.
                let removed = try await here.execute(CartAggregate.self, .cart(cartId)) { state in
                    try Cart.decide(.removeItem(sku: "grinder"), state: state, now: now)
                }
                #expect(removed.version == 3)
                #expect(removed.state?.lines.isEmpty == true)
            }
        }
    }

    @Test func aNoOpDecidedOnAStaleFoldIsCheckedAgainstTheStream() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let here = AggregateStore(log: log)
                let elsewhere = AggregateStore(log: log)
                let cartId = UUID()
                let now = Date(timeIntervalSince1970: 1_764_072_000)
                try await here.execute(CartAggregate.self, .cart(cartId)) { state in
                    try Cart.decide(.open(cartId: cartId, shopperId: UUID(), merchantId: "shop", currency: Self.eur), state: state, now: now)
                }
                try await elsewhere.execute(CartAggregate.self, .cart(cartId)) { state in
                    try Cart.decide(.addItem(Self.grinder, quantity: 1), state: state, now: now)
                }
                // A decision that does nothing on the stale fold returns the stream as it is.
                let seen = try await here.execute(CartAggregate.self, .cart(cartId)) { _ in [] }
                #expect(seen.version == 2)
                #expect(seen.state?.lines.count == 1)
            }
        }
    }

    @Test func aRefusalOnTheStreamAsItIsStandsAfterOneReRead() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let store = AggregateStore(log: log)
                let cartId = UUID()
                let now = Date(timeIntervalSince1970: 1_764_072_000)
                try await store.execute(CartAggregate.self, .cart(cartId)) { state in
                    try Cart.decide(.open(cartId: cartId, shopperId: UUID(), merchantId: "shop", currency: Self.eur), state: state, now: now)
                }
                await #expect(throws: DomainError.self) {
                    try await store.execute(CartAggregate.self, .cart(cartId)) { state in
                        try Cart.decide(.removeItem(sku: "grinder"), state: state, now: now)
                    }
                }
            }
        }
    }
}
