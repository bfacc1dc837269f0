import Domain
import Foundation
import Testing

@Suite("Cart rules")
struct CartTests {
    let eur = try! Currency("EUR")
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    var teapot: CatalogItem { try! CatalogItem(sku: "TEA-1", name: "Teapot", unitPrice: Money(amountMicros: 12_500_000, currency: eur)) }
    var cup: CatalogItem { try! CatalogItem(sku: "CUP-1", name: "Cup", unitPrice: Money(amountMicros: 4_000_000, currency: eur)) }

    func run(_ commands: [CartCommand]) throws(DomainError) -> CartState? {
        var state: CartState? = nil
        for command in commands {
            for event in try Cart.decide(command, state: state, now: now) { state = Cart.evolve(state, event) }
        }
        return state
    }

    var open: CartCommand { .open(cartId: UUID(), shopperId: UUID(), merchantId: "demo", currency: eur) }

    @Test func addingChangingAndRemovingItemsKeepsTotalsInMicros() throws {
        let state = try #require(try run([open, .addItem(teapot, quantity: 2), .addItem(cup, quantity: 1), .addItem(cup, quantity: 2),
                                          .changeQuantity(sku: "TEA-1", quantity: 1)]))
        #expect(state.lines.map(\.sku) == ["TEA-1", "CUP-1"])
        #expect(state.line("CUP-1")?.quantity == 3)
        #expect(state.total == Money(amountMicros: 24_500_000, currency: eur))
        #expect(state.itemCount == 4)
        let removed = try #require(try run([open, .addItem(teapot, quantity: 2), .removeItem(sku: "TEA-1")]))
        #expect(removed.lines.isEmpty)
    }

    @Test(arguments: [0, -1, 1_000])
    func quantitiesOutsideOneTo999AreRefused(quantity: Int) {
        #expect(throws: DomainError.self) { try run([open, .addItem(teapot, quantity: quantity)]) }
        #expect(throws: DomainError.self) { try run([open, .addItem(teapot, quantity: 1), .changeQuantity(sku: "TEA-1", quantity: quantity)]) }
    }

    @Test func addingToAnItemBeyond999IsRefused() {
        #expect(throws: DomainError.self) { try run([open, .addItem(teapot, quantity: 600), .addItem(teapot, quantity: 400)]) }
    }

    @Test func aCartHoldsOneCurrency() throws {
        let usdItem = try CatalogItem(sku: "X", name: "X", unitPrice: Money(amountMicros: 1, currency: try Currency("USD")))
        #expect(throws: DomainError.rejected("the cart is in EUR; X is priced in USD")) { try run([open, .addItem(usdItem, quantity: 1)]) }
    }

    @Test func negativePricesAndBadSKUsNeverReachACart() {
        #expect(throws: DomainError.self) { try CatalogItem(sku: "A", name: "A", unitPrice: Money(amountMicros: -1, currency: eur)) }
        #expect(throws: DomainError.self) { try CatalogItem(sku: "has space", name: "A", unitPrice: Money(amountMicros: 1, currency: eur)) }
        #expect(throws: DomainError.self) { try Currency("euro") }
    }

    @Test func anEmptyCartCannotBeCheckedOut() {
        #expect(throws: DomainError.rejected("an empty cart cannot be checked out")) { try run([open, .startCheckout]) }
    }

    @Test func completingNeedsAStartedCheckoutAndFreezesTheCart() throws {
        #expect(throws: DomainError.rejected("checkout has not been started")) {
            try run([open, .addItem(teapot, quantity: 1), .completeCheckout(orderRef: "A-1")])
        }
        let done = try #require(try run([open, .addItem(teapot, quantity: 1), .startCheckout, .completeCheckout(orderRef: "A-1")]))
        #expect(done.status == .completed)
        #expect(done.orderRef == "A-1")
        for command: CartCommand in [.addItem(cup, quantity: 1), .removeItem(sku: "TEA-1"), .changeQuantity(sku: "TEA-1", quantity: 2),
                                     .startCheckout, .completeCheckout(orderRef: "A-2")] {
            #expect(throws: DomainError.self) { try Cart.decide(command, state: done, now: now) }
        }
    }

    @Test func changingItemsDuringCheckoutReturnsTheCartToOpen() throws {
        let state = try #require(try run([open, .addItem(teapot, quantity: 1), .startCheckout, .addItem(cup, quantity: 1)]))
        #expect(state.status == .open)
    }

    @Test func unknownItemsAndMissingCartsAreNotFound() {
        #expect(throws: DomainError.notFound("the cart holds no item NOPE")) { try run([open, .removeItem(sku: "NOPE")]) }
        #expect(throws: DomainError.notFound("no such cart")) { try Cart.decide(.startCheckout, state: nil, now: now) }
        #expect(throws: DomainError.self) { try run([open, open]) == nil }
    }

    @Test func anEmptyCartNeverIdlesAndEachVersionIsMarkedOnce() throws {
        #expect(EngagementSaga.markIdle(sinceVersion: 1, cartHasItems: false, state: EngagementState(), now: now).isEmpty)
        let marks = EngagementSaga.markIdle(sinceVersion: 2, cartHasItems: true, state: EngagementState(), now: now)
        #expect(marks == [.idled(CartIdled(at: now, idleSinceVersion: 2))])
        let marked = marks.reduce(EngagementState()) { EngagementSaga.evolve($0, $1) }
        #expect(EngagementSaga.markIdle(sinceVersion: 2, cartHasItems: true, state: marked, now: now).isEmpty)
        #expect(!EngagementSaga.markIdle(sinceVersion: 3, cartHasItems: true, state: marked, now: now).isEmpty)
    }

    @Test func moneyNeverMixesCurrenciesOrOverflows() throws {
        let usd = try Currency("USD")
        #expect(throws: DomainError.self) { try Money(amountMicros: 1, currency: eur).adding(Money(amountMicros: 1, currency: usd)) }
        #expect(throws: DomainError.self) { try Money(amountMicros: .max, currency: eur).adding(Money(amountMicros: 1, currency: eur)) }
        #expect(Money(amountMicros: 12_505_000, currency: eur).description == "12.50 EUR")
    }
}
