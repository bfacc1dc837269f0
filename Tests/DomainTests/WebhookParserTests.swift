import Domain
import Foundation
import Testing

@Suite("Reading shop platforms' cart webhooks")
struct WebhookParserTests {
    static let eur = try! Currency("EUR")
    static let now = Date(timeIntervalSince1970: 1_795_750_000)  // 2026-11-27T03:26:40Z

    static func fixture(_ name: String) throws -> [UInt8] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/webhooks")
        return Array(try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    static func shopifyHeaders(_ topic: String, eventId: String = "e-1", triggeredAt: String? = nil) -> WebhookHeaders {
        var pairs = [(name: "X-Shopify-Topic", value: topic), (name: "x-shopify-event-id", value: eventId)]
        if let triggeredAt { pairs.append((name: "X-Shopify-Triggered-At", value: triggeredAt)) }
        return WebhookHeaders(pairs)
    }

    @Test func aShopifyCartBecomesASnapshotWithExactMicroPrices() throws {
        let parsed = try #require(try ShopifyNotification.parse(body: try Self.fixture("shopify-carts-update.json"),
                                                                headers: Self.shopifyHeaders("carts/update")))
        #expect(parsed.kind == .cartSnapshot)
        #expect(parsed.cartToken == "Z2NwLWV1cm9wZS13ZXN0MTowMUpGOEZYNkZKUkhDNVlCUFY0WUtRNUI1Vg")
        #expect(parsed.customerId == nil)
        #expect(parsed.currency == nil)
        #expect(parsed.lines.map(\.unitPriceMicros) == [129_500_000, 24_900_000])
        #expect(parsed.lines.map(\.quantity) == [1, 2])
        #expect(parsed.lines[1].sku == nil)  // Shopify sends "" for a variant without a sku
        #expect(try PlatformCartSync.sku(of: parsed.lines[0]) == "GRINDER-C40")
        #expect(try PlatformCartSync.sku(of: parsed.lines[1]) == "v-41230943600673")
    }

    @Test func shopifyCheckoutsAndOrdersNameTheCartCustomerAndCurrency() throws {
        let checkout = try #require(try ShopifyNotification.parse(body: try Self.fixture("shopify-checkouts-create.json"),
                                                                  headers: Self.shopifyHeaders("checkouts/create")))
        #expect(checkout.kind == .checkoutStarted)
        #expect(checkout.customerId == "6940095889441")
        #expect(checkout.currency == Self.eur)
        let order = try #require(try ShopifyNotification.parse(body: try Self.fixture("shopify-orders-create.json"),
                                                               headers: Self.shopifyHeaders("orders/create")))
        #expect(order.kind == .orderPlaced)
        #expect(order.orderRef == "#1001")
        #expect(order.cartToken == checkout.cartToken)
        // A topic about something else is acknowledged, not an error.
        #expect(try ShopifyNotification.parse(body: Array("{}".utf8), headers: Self.shopifyHeaders("products/update")) == nil)
    }

    @Test func wooCommerceOrdersArePendingCartsUntilTheyArePaid() throws {
        let headers = WebhookHeaders([(name: "X-WC-Webhook-Topic", value: "order.updated"), (name: "X-WC-Webhook-Delivery-ID", value: "d1")])
        let pending = try #require(try WooCommerceNotification.parse(body: try Self.fixture("woocommerce-order-pending.json"), headers: headers))
        #expect(pending.kind == .cartSnapshot)
        #expect(pending.cartToken == "5c2c8ab7e1e8d26e6b4a3f30b8d2f1c9")
        #expect(pending.customerId == "17")
        #expect(pending.lines.map(\.unitPriceMicros) == [129_500_000, 24_900_000])
        #expect(pending.lines.map(\.variantId) == ["93", "101"])
        let paid = try #require(try WooCommerceNotification.parse(body: try Self.fixture("woocommerce-order-processing.json"), headers: headers))
        #expect(paid.kind == .orderPlaced)
        #expect(paid.orderRef == "4750")
        let cancelled = Array(String(decoding: try Self.fixture("woocommerce-order-pending.json"), as: UTF8.self)
            .replacingOccurrences(of: "\"status\":\"pending\"", with: "\"status\":\"cancelled\"").utf8)
        #expect(try WooCommerceNotification.parse(body: cancelled, headers: headers) == nil)
    }

    @Test func cartlinesOwnFormatNeedsItsFields() throws {
        let parsed = try CartlineNotification.parse(body: try Self.fixture("cartline-cart-updated.json"))
        #expect(parsed.lines.map(\.unitPriceMicros) == [12_500_000, 4_005_000])
        #expect(parsed.customerId == "42")
        #expect(parsed.occurredAt == Date(timeIntervalSince1970: 1_795_664_414))
        let order = try CartlineNotification.parse(body: try Self.fixture("cartline-order-placed.json"))
        #expect(order.kind == .orderPlaced && order.orderRef == "1001")
        let noRef = #"{"id":"e","type":"order.placed","occurredAt":"2026-11-26T03:40:14Z","cart":{"token":"t","currency":"EUR","items":[]}}"#
        #expect(throws: WebhookError.self) { try CartlineNotification.parse(body: Array(noRef.utf8)) }
    }

    @Test func amountsAreReadDigitByDigit() throws {
        #expect(try WebhookAmount.micros("19.99", field: "p") == 19_990_000)
        #expect(try WebhookAmount.micros("0.000001", field: "p") == 1)
        #expect(try WebhookAmount.micros("55", field: "p") == 55_000_000)
        #expect(try WebhookAmount.micros("1.2300000", field: "p") == 1_230_000)  // trailing zeros past 6 places are fine
        #expect(try WebhookAmount.micros("1000000", field: "p") == 1_000_000_000_000)
        for bad in ["", ".", "1.", ".5", "-1", "1e3", "1,50", "12.3456789", "1000000.01", "99999999999999999999", "NaN", " 1", "0x10", "1.2.3"] {
            #expect(throws: WebhookError.self, "\(bad)") { try WebhookAmount.micros(bad, field: "p") }
        }
    }

    @Test func timestampsOfEachPlatformAreRead() {
        let base = Date(timeIntervalSince1970: 1_795_664_414)  // 2026-11-26T03:40:14Z
        #expect(WebhookTimestamp.parse("2026-11-26T03:40:14Z") == base)
        #expect(WebhookTimestamp.parse("2026-11-26T03:40:14.877041743Z") == base)
        #expect(WebhookTimestamp.parse("2026-11-26T04:40:14+01:00") == base)
        #expect(WebhookTimestamp.parse("2026-11-26T03:40:14") == base)
        for bad in ["", "2026-11-26", "2026-13-26T03:40:14Z", "2026-11-26T03:40:14+1", "yesterday", "2026-11-26T03:40:14Zjunk"] {
            #expect(WebhookTimestamp.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func theCartlineSignatureHeaderIsParsedStrictly() throws {
        let hex = String(repeating: "ab", count: 32)
        let parsed = try CartlineSignatureHeader.parse("t=1795750814,v1=\(hex),v0=ignored")
        #expect(parsed.timestamp == 1_795_750_814 && parsed.signatures.count == 1)
        #expect(throws: WebhookError.unsigned("Cartline-Signature is missing: sign the body as t=<unix seconds>,v1=<hex HMAC-SHA256>")) {
            try CartlineSignatureHeader.parse(nil)
        }
        for bad in ["t=abc,v1=\(hex)", "v1=\(hex)", "t=1795750814", "t=1795750814,v1=zz", "t=-5,v1=\(hex)", "garbage"] {
            #expect(throws: WebhookError.self, "\(bad)") { try CartlineSignatureHeader.parse(bad) }
        }
        #expect(throws: WebhookError.self) { try parsed.checkFresh(now: Date(timeIntervalSince1970: 1_795_750_814 + 301)) }
        try parsed.checkFresh(now: Date(timeIntervalSince1970: 1_795_750_814 + 299))
    }

    @Test func malformedBodiesAreTypedErrorsNeverCrashes() throws {
        let shopify = Self.shopifyHeaders("carts/update")
        let bodies: [String] = [
            "", "not json", "[]", "null", "{}", "{\"token\": 5}", "{\"token\":\"t\",\"line_items\":{}}",
            "{\"token\":\"t\",\"line_items\":[{\"quantity\":1}]}",
            "{\"token\":\"t\",\"line_items\":[{\"quantity\":\"1\",\"price\":\"1.00\",\"sku\":\"a\"}]}",
            "{\"token\":\"t\",\"line_items\":[{\"quantity\":0,\"price\":\"1.00\",\"sku\":\"a\"}]}",
            "{\"token\":\"t\",\"line_items\":[{\"quantity\":1000,\"price\":\"1.00\",\"sku\":\"a\"}]}",
            "{\"token\":\"t\",\"line_items\":[{\"quantity\":1,\"price\":\"-1.00\",\"sku\":\"a\"}]}",
            "{\"token\":\"t\",\"line_items\":[{\"quantity\":1,\"price\":1e400,\"sku\":\"a\"}]}",
            "{\"token\":\"t\",\"line_items\":[{\"quantity\":99999999999999999999,\"price\":\"1\",\"sku\":\"a\"}]}",
            "{\"token\":\"\(String(repeating: "x", count: 500))\",\"line_items\":[]}",
            "{\"token\":\"t\\u0000\",\"line_items\":[]}",
        ]
        for body in bodies {
            #expect(throws: WebhookError.self, "\(body.prefix(60))") { try ShopifyNotification.parse(body: Array(body.utf8), headers: shopify) }
        }
        // Invalid UTF-8 and a missing topic or event id.
        #expect(throws: WebhookError.self) { try ShopifyNotification.parse(body: [0xFF, 0xFE, 0x7B], headers: shopify) }
        #expect(throws: WebhookError.self) { try ShopifyNotification.parse(body: Array("{}".utf8), headers: WebhookHeaders([])) }
        #expect(throws: WebhookError.self) {
            try ShopifyNotification.parse(body: Array("{\"token\":\"t\"}".utf8), headers: WebhookHeaders([(name: "X-Shopify-Topic", value: "carts/update")]))
        }
        // Too many line items is refused as too large, before anything else.
        let item = "{\"quantity\":1,\"price\":\"1.00\",\"sku\":\"a\"}"
        let many = "{\"token\":\"t\",\"line_items\":[" + Array(repeating: item, count: 251).joined(separator: ",") + "]}"
        #expect(throws: WebhookError.tooLarge("a notification holds at most 250 line items, not 251")) {
            try ShopifyNotification.parse(body: Array(many.utf8), headers: shopify)
        }
        let huge = [UInt8](repeating: UInt8(ascii: " "), count: WebhookLimits.maxBodyBytes + 1)
        #expect(throws: WebhookError.self) { try PlatformNotifications.parse(.cartline, body: huge, headers: WebhookHeaders([]), now: Self.now) }
    }

    @Test func randomBytesAndTruncatedFixturesNeverCrashAParser() throws {
        var generator = SplitMix(seed: 13)
        let fixtures = try ["shopify-carts-update.json", "woocommerce-order-pending.json", "cartline-cart-updated.json"].map(Self.fixture)
        let headers: [(WebhookPlatform, WebhookHeaders)] = [
            (.shopify, Self.shopifyHeaders("carts/update")),
            (.woocommerce, WebhookHeaders([(name: "X-WC-Webhook-Topic", value: "order.updated")])),
            (.cartline, WebhookHeaders([])),
        ]
        for round in 0..<600 {
            let source = fixtures[round % fixtures.count]
            var body: [UInt8]
            switch round % 3 {
            case 0: body = Array(source.prefix(Int(generator.next() % UInt64(source.count))))
            case 1:
                body = source
                for _ in 0..<4 { body[Int(generator.next() % UInt64(body.count))] = UInt8(truncatingIfNeeded: generator.next()) }
            default: body = (0..<Int(generator.next() % 200)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            }
            for (platform, header) in headers {
                _ = try? PlatformNotifications.parse(platform, body: body, headers: header, now: Self.now)
            }
        }
    }

    @Test func aSnapshotIsDiffedIntoAddsChangesAndRemovals() throws {
        let target = PlatformCartSync.Target(cartId: UUID(), shopperId: UUID(), merchantId: "shop", currency: Self.eur)
        func snapshot(_ lines: [(String, Int, Int64)], kind: PlatformCartNotification.Kind = .cartSnapshot) -> PlatformCartNotification {
            PlatformCartNotification(platform: .cartline, kind: kind, cartToken: "t", customerId: nil,
                                     lines: lines.map { .init(sku: $0.0, variantId: nil, title: $0.0, quantity: $0.1, unitPriceMicros: $0.2) },
                                     currency: Self.eur, eventId: "e", occurredAt: nil, orderRef: kind == .orderPlaced ? "1001" : nil)
        }
        var state: CartState?
        func apply(_ notification: PlatformCartNotification) throws -> [String] {
            let events = try PlatformCartSync.decide(notification, target: target, state: state, now: Self.now)
            for event in events { state = Cart.evolve(state, event) }
            return events.map(Self.name)
        }
        #expect(try apply(snapshot([])) == [])  // an empty cart is not recorded
        #expect(try apply(snapshot([("A", 1, 1_000_000), ("B", 2, 2_000_000)])) == ["CartOpened", "ItemAdded", "ItemAdded"])
        #expect(try apply(snapshot([("A", 1, 1_000_000), ("B", 2, 2_000_000)])) == [])  // the same again: nothing
        #expect(try apply(snapshot([("A", 3, 1_000_000), ("C", 1, 5_000_000)])) == ["ItemRemoved", "QuantityChanged", "ItemAdded"])
        #expect(state?.lines.map(\.sku) == ["A", "C"])
        #expect(try apply(snapshot([("A", 3, 1_500_000), ("C", 1, 5_000_000)])) == ["ItemRemoved", "ItemAdded"])  // a new price
        #expect(state?.line("A")?.unitPrice.amountMicros == 1_500_000)
        #expect(try apply(snapshot([("A", 3, 1_500_000), ("C", 1, 5_000_000)], kind: .checkoutStarted)) == ["CheckoutStarted"])
        #expect(try apply(snapshot([], kind: .orderPlaced)) == ["CheckoutCompleted"])  // an order without items completes what is there
        #expect(state?.status == .completed)
        #expect(try apply(snapshot([("Z", 1, 1)])) == [])  // a concluded cart changes no more
        // Another currency is refused.
        let usd = PlatformCartNotification(platform: .shopify, kind: .cartSnapshot, cartToken: "t", customerId: nil, lines: [],
                                           currency: try Currency("USD"), eventId: "e", occurredAt: nil, orderRef: nil)
        #expect(throws: WebhookError.currencyMismatch("the notification is priced in USD; this merchant sells in EUR")) {
            try PlatformCartSync.decide(usd, target: target, state: nil, now: Self.now)
        }
    }

    @Test func aMerchantHasAtMostTwoValidWebhookSecrets() throws {
        var state = WebhookSecretsState()
        for id in ["a", "b"] {
            for event in try WebhookSecrets.decide(.add(secretId: id, sealedSecret: "s-\(id)"), merchantId: "m", state: state, now: Self.now) {
                state = WebhookSecrets.evolve(state, event)
            }
        }
        #expect(throws: DomainError.self) { try WebhookSecrets.decide(.add(secretId: "c", sealedSecret: "s"), merchantId: "m", state: state, now: Self.now) }
        for event in try WebhookSecrets.decide(.remove(secretId: "a"), merchantId: "m", state: state, now: Self.now) { state = WebhookSecrets.evolve(state, event) }
        #expect(state.secrets.map(\.secretId) == ["b"])
        #expect(throws: DomainError.self) { try WebhookSecrets.decide(.remove(secretId: "a"), merchantId: "m", state: state, now: Self.now) }
    }

    static func name(_ event: CartEvent) -> String {
        switch event {
        case .opened: "CartOpened"
        case .itemAdded: "ItemAdded"
        case .itemRemoved: "ItemRemoved"
        case .quantityChanged: "QuantityChanged"
        case .checkoutStarted: "CheckoutStarted"
        case .checkoutCompleted: "CheckoutCompleted"
        case .idled: "CartIdled"
        }
    }
}

/// A small deterministic generator, so a failing round can be replayed.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
