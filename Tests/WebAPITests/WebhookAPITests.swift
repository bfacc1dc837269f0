import CartlineTestSupport
import Domain
import Engine
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Prometheus
import Synchronization
import Testing
import WebAPI

/// Cart notifications from a merchant's shop platform, end to end against a real Postgres:
/// recorded bodies in each platform's documented shape (Tests/Fixtures/webhooks), signed in
/// the test with a test secret.
@Suite("Cart webhooks from a merchant's shop platform")
struct WebhookAPITests {
    static let admin = ["Authorization": "Bearer \(WebHarness.adminToken)"]
    static let secret = "test-webhook-secret-0123456789abcdef"
    static let shopifyToken = "Z2NwLWV1cm9wZS13ZXN0MTowMUpGOEZYNkZKUkhDNVlCUFY0WUtRNUI1Vg"

    /// A clock the test moves; the server and the engine read it.
    final class Clock: WallClock {
        private let current: Mutex<Date>
        init(_ start: Date = Date()) { current = Mutex(start) }
        func now() -> Date { current.withLock { $0 } }
        func advance(seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    /// `WebHarness.run` on `clock`, with demo-shop registered (no holdout, so an idle cart is
    /// offered a call) and `secret` as its webhook secret.
    static func run(clock: Clock = Clock(), _ body: @Sendable (WebHarness, Clock) async throws -> Void) async throws {
        let contract = try OpenAPIContract.load()
        try await TestDatabase.with { database in
            try await database.withEventLog { log in
                let services = WebServices(log: log, configuration: WebHarness.testConfiguration(), sealingKey: SecretKey(),
                                           sealingKeyID: "s1", metrics: PrometheusCollectorRegistry(), clock: clock)
                let app = Application(router: try WebApplication.router(services), logger: TestDatabase.logger)
                try await app.test(.router) { client in
                    let harness = WebHarness(database: database, log: log, services: services, client: client, contract: contract)
                    var merchant = WebHarness.merchantJSON("demo-shop", catalog: [("grinder", 129_500_000)])
                    merchant["engagement"] = [
                        "idleThresholdSeconds": 60, "marginBasisPoints": 2500, "upliftBasisPoints": 1500, "expectedCallCostMicros": 0,
                        "minimumGainMicros": 0, "cooldownSeconds": 3600, "holdoutBasisPoints": 0, "offerTTLSeconds": 120,
                    ]
                    let registered = try await harness.shopper().send(.post, "/v1/admin/merchants", json: merchant, headers: admin)
                    #expect(registered.status == 201, "\(registered.text)")
                    let added = try await harness.shopper().send(.post, "/v1/admin/merchants/demo-shop/webhooks/secrets",
                                                                 json: ["secret": secret], headers: admin)
                    #expect(added.status == 201, "\(added.text)")
                    try await body(harness, clock)
                }
            }
        }
    }

    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: TestDatabase.projectRoot.appendingPathComponent("Tests/Fixtures/webhooks/\(name)"), encoding: .utf8)
    }

    static func shopify(_ harness: WebHarness, topic: String, body: String, eventId: String, secret: String? = secret,
                        signedBody: String? = nil, triggeredAt: Date? = nil, merchant: String = "demo-shop") async throws -> APIResult {
        var headers = ["X-Shopify-Topic": topic, "X-Shopify-Event-Id": eventId, "X-Shopify-Webhook-Id": "w-\(eventId)",
                       "X-Shopify-Shop-Domain": "demo-roasters.myshopify.com", "X-Shopify-API-Version": "2025-10"]
        if let secret { headers["X-Shopify-Hmac-Sha256"] = WebhookSignature.base64(body: Array((signedBody ?? body).utf8), secret: secret) }
        if let triggeredAt { headers["X-Shopify-Triggered-At"] = ISO8601DateFormatter().string(from: triggeredAt) }
        return try await harness.shopper().send(.post, "/v1/webhooks/\(merchant)/shopify", body: body, headers: headers)
    }

    static func woo(_ harness: WebHarness, body: String, delivery: String, secret: String = secret) async throws -> APIResult {
        let headers = ["X-WC-Webhook-Topic": "order.updated", "X-WC-Webhook-Delivery-ID": delivery, "X-WC-Webhook-Resource": "order",
                       "X-WC-Webhook-Event": "updated", "X-WC-Webhook-Signature": WebhookSignature.base64(body: Array(body.utf8), secret: secret)]
        return try await harness.shopper().send(.post, "/v1/webhooks/demo-shop/woocommerce", body: body, headers: headers)
    }

    static func cartline(_ harness: WebHarness, body: String, at: Date, secret: String = secret) async throws -> APIResult {
        let header = WebhookSignature.cartlineHeader(body: Array(body.utf8), secret: secret, timestamp: Int64(at.timeIntervalSince1970))
        return try await harness.shopper().send(.post, "/v1/webhooks/demo-shop/cartline", body: body, headers: ["Cartline-Signature": header])
    }

    static func cart(_ harness: WebHarness, platform: WebhookPlatform, token: String) async throws -> Versioned<CartState?> {
        let cartId = WebhookIdentity.cartId(merchantId: "demo-shop", platform: platform, cartToken: token)
        return try await AggregateStore(log: harness.log).load(CartAggregate.self, .cart(cartId))
    }

    @Test func aSignedShopifyCartIsAppendedOnceAndItsReplayIgnored() async throws {
        try await Self.run { harness, clock in
            let body = try Self.fixture("shopify-carts-update.json")
            let first = try await Self.shopify(harness, topic: "carts/update", body: body, eventId: "e-100", triggeredAt: clock.now())
            #expect(first.status == 200, "\(first.text)")
            #expect(first.json["outcome"] as? String == "accepted")
            #expect(first.json["appendedEvents"] as? Int == 3)
            let cart = try #require(try await Self.cart(harness, platform: .shopify, token: Self.shopifyToken).state)
            #expect(cart.lines.map(\.sku) == ["GRINDER-C40", "v-41230943600673"])
            #expect(cart.lines.map(\.unitPrice.amountMicros) == [129_500_000, 24_900_000])
            #expect(cart.lines.map(\.quantity) == [1, 2])
            #expect(cart.shopperId == WebhookIdentity.shopperId(merchantId: "demo-shop", customerId: nil, cartToken: Self.shopifyToken))
            #expect(first.json["cartId"] as? String == cart.id.uuidString)
            let head = try await harness.log.headPosition()
            let replay = try await Self.shopify(harness, topic: "carts/update", body: body, eventId: "e-100", triggeredAt: clock.now())
            #expect(replay.status == 200)
            #expect(replay.json["outcome"] as? String == "duplicate")
            #expect(replay.json["appendedEvents"] as? Int == 0)
            #expect(try await harness.log.headPosition() == head)
            // The same cart again under a new event id: the cart already is so, nothing appended.
            let same = try await Self.shopify(harness, topic: "carts/update", body: body, eventId: "e-101", triggeredAt: clock.now())
            #expect(same.json["outcome"] as? String == "accepted" && same.json["appendedEvents"] as? Int == 0)
            #expect(try await harness.log.headPosition() == head)
        }
    }

    @Test func anOldSnapshotDeliveredAgainAfterTheCartChangedIsADuplicateAndRollsNothingBack() async throws {
        try await Self.run { harness, clock in
            let body = try Self.fixture("shopify-carts-update.json")
            #expect(try await Self.shopify(harness, topic: "carts/update", body: body, eventId: "s-1", triggeredAt: clock.now()).status == 200)
            let changed = body.replacingOccurrences(of: "\"quantity\":2", with: "\"quantity\":5")
            let second = try await Self.shopify(harness, topic: "carts/update", body: changed, eventId: "s-2", triggeredAt: clock.now())
            #expect(second.json["appendedEvents"] as? Int == 1, "\(second.text)")
            let head = try await harness.log.headPosition()
            let late = try await Self.shopify(harness, topic: "carts/update", body: body, eventId: "s-1", triggeredAt: clock.now())
            #expect(late.status == 200 && late.json["outcome"] as? String == "duplicate", "\(late.text)")
            #expect(try await harness.log.headPosition() == head)
            #expect(try await Self.cart(harness, platform: .shopify, token: Self.shopifyToken).state?.line("v-41230943600673")?.quantity == 5)
        }
    }

    @Test func unsignedForgedTamperedStaleOversizedOrForeignNotificationsAreRefusedAndChangeNothing() async throws {
        try await Self.run { harness, clock in
            let body = try Self.fixture("shopify-carts-update.json")
            let head = try await harness.log.headPosition()
            try await Self.shopify(harness, topic: "carts/update", body: body, eventId: "e-1", secret: nil)
                .expectProblem(401, type: "webhook-unsigned")
            try await Self.shopify(harness, topic: "carts/update", body: body, eventId: "e-2", secret: "another-secret-0123456789")
                .expectProblem(401, type: "webhook-bad-signature")
            let tampered = body.replacingOccurrences(of: "\"quantity\":2", with: "\"quantity\":20")
            try await Self.shopify(harness, topic: "carts/update", body: tampered, eventId: "e-3", signedBody: body)
                .expectProblem(401, type: "webhook-bad-signature")
            try await Self.shopify(harness, topic: "carts/update", body: body, eventId: "e-4", triggeredAt: clock.now().addingTimeInterval(-3 * 86_400))
                .expectProblem(400, type: "webhook-stale")
            let cartlineBody = try Self.fixture("cartline-cart-updated.json")
            try await Self.cartline(harness, body: cartlineBody, at: clock.now().addingTimeInterval(-301)).expectProblem(400, type: "webhook-stale")
            try await Self.shopify(harness, topic: "carts/update", body: body, eventId: "e-5", merchant: "no-such-shop").expectProblem(404)
            let oversized = "{\"token\":\"t\",\"note\":\"" + String(repeating: "x", count: 300 * 1024) + "\"}"
            try await Self.shopify(harness, topic: "carts/update", body: oversized, eventId: "e-6").expectProblem(413, type: "webhook-too-large")
            let usd = try Self.fixture("shopify-checkouts-create.json").replacingOccurrences(of: "\"currency\":\"EUR\"", with: "\"currency\":\"USD\"")
            try await Self.shopify(harness, topic: "checkouts/create", body: usd, eventId: "e-7").expectProblem(409, type: "webhook-currency-mismatch")
            try await Self.shopify(harness, topic: "carts/update", body: "{\"token\": 12, \"line_items\": \"none\"}", eventId: "e-8")
                .expectProblem(422, type: "webhook-malformed")
            try await Self.shopify(harness, topic: "carts/update", body: "not json at all", eventId: "e-9").expectProblem(422, type: "webhook-malformed")
            #expect(try await harness.log.headPosition() == head)  // nothing appended by any refusal

            // The merchant sees the last failures, newest first, with an excerpt only.
            let failures = try await harness.shopper().send(.get, "/v1/admin/merchants/demo-shop/webhooks/failures", headers: Self.admin)
            #expect(failures.status == 200)
            let list = try #require(failures.json["failures"] as? [[String: Any]])
            #expect(list.map { $0["kind"] as? String ?? "" } == [
                "webhook-malformed", "webhook-malformed", "webhook-currency-mismatch", "webhook-too-large", "webhook-stale",
                "webhook-stale", "webhook-bad-signature", "webhook-bad-signature", "webhook-unsigned",
            ])
            #expect(list.allSatisfy { ($0["excerpt"] as? String ?? "").count <= 120 })
            #expect(list.last?["eventId"] as? String == "e-1")
            try await harness.shopper().send(.get, "/v1/admin/merchants/demo-shop/webhooks/failures").expectProblem(401)
            try await harness.shopper().send(.get, "/v1/admin/merchants/nobody/webhooks/failures", headers: Self.admin).expectProblem(404)
        }
    }

    @Test func wooCommerceOrdersOpenThenCompleteTheCart() async throws {
        try await Self.run { harness, _ in
            let ping = try await harness.shopper().send(.post, "/v1/webhooks/demo-shop/woocommerce", body: "webhook_id=3",
                                                        headers: ["X-WC-Webhook-ID": "3"])
            #expect(ping.status == 200 && ping.json["outcome"] as? String == "ignored")
            let pending = try await Self.woo(harness, body: try Self.fixture("woocommerce-order-pending.json"), delivery: "d-1")
            #expect(pending.status == 200 && pending.json["appendedEvents"] as? Int == 3, "\(pending.text)")
            let token = "5c2c8ab7e1e8d26e6b4a3f30b8d2f1c9"
            let open = try #require(try await Self.cart(harness, platform: .woocommerce, token: token).state)
            #expect(open.status == .open && open.total.amountMicros == 154_400_000)
            #expect(open.shopperId == WebhookIdentity.shopperId(merchantId: "demo-shop", customerId: "17", cartToken: token))
            let paid = try await Self.woo(harness, body: try Self.fixture("woocommerce-order-processing.json"), delivery: "d-2")
            #expect(paid.status == 200 && paid.json["appendedEvents"] as? Int == 2, "\(paid.text)")
            let completed = try #require(try await Self.cart(harness, platform: .woocommerce, token: token).state)
            #expect(completed.status == .completed && completed.orderRef == "4750")
            let again = try await Self.woo(harness, body: try Self.fixture("woocommerce-order-processing.json"), delivery: "d-2")
            #expect(again.json["outcome"] as? String == "duplicate")
            try await Self.woo(harness, body: try Self.fixture("woocommerce-order-pending.json"), delivery: "d-3", secret: "wrong-secret-0123456789")
                .expectProblem(401)
        }
    }

    @Test func cartlinesOwnFormatIsSignedWithATimestampAndCompletesOnAnOrder() async throws {
        try await Self.run { harness, clock in
            let updated = try await Self.cartline(harness, body: try Self.fixture("cartline-cart-updated.json"), at: clock.now())
            #expect(updated.status == 200 && updated.json["appendedEvents"] as? Int == 3, "\(updated.text)")
            let cart = try #require(try await Self.cart(harness, platform: .cartline, token: "c-81f2").state)
            #expect(cart.total.amountMicros == 2 * 12_500_000 + 4 * 4_005_000)
            let ordered = try await Self.cartline(harness, body: try Self.fixture("cartline-order-placed.json"), at: clock.now())
            #expect(ordered.json["appendedEvents"] as? Int == 2, "\(ordered.text)")
            #expect(try await Self.cart(harness, platform: .cartline, token: "c-81f2").state?.status == .completed)
            try await harness.shopper().send(.post, "/v1/webhooks/demo-shop/cartline", body: try Self.fixture("cartline-cart-updated.json"))
                .expectProblem(401, type: "webhook-unsigned")
        }
    }

    @Test func rotatingTheSecretAcceptsBothUntilTheOldOneIsRemoved() async throws {
        try await Self.run { harness, clock in
            let admin = harness.shopper()
            let added = try await admin.send(.post, "/v1/admin/merchants/demo-shop/webhooks/secrets", headers: Self.admin)
            #expect(added.status == 201)
            let newSecret = try #require(added.json["secret"] as? String)
            let listed = try await admin.send(.get, "/v1/admin/merchants/demo-shop/webhooks/secrets", headers: Self.admin)
            let ids = (listed.json["secrets"] as? [[String: Any]] ?? []).compactMap { $0["secretId"] as? String }
            #expect(ids.count == 2)
            #expect(!listed.text.contains(Self.secret) && !listed.text.contains(newSecret))  // never returned in clear
            let body = try Self.fixture("shopify-carts-update.json")
            #expect(try await Self.shopify(harness, topic: "carts/update", body: body, eventId: "r-1", triggeredAt: clock.now()).status == 200)
            #expect(try await Self.shopify(harness, topic: "carts/update", body: body, eventId: "r-2", secret: newSecret, triggeredAt: clock.now()).status == 200)
            try await admin.send(.post, "/v1/admin/merchants/demo-shop/webhooks/secrets", json: ["secret": "a-third-secret-0123456789"], headers: Self.admin)
                .expectProblem(409)
            let removed = try await admin.send(.delete, "/v1/admin/merchants/demo-shop/webhooks/secrets/\(ids[0])", headers: Self.admin)
            #expect(removed.status == 204)
            try await Self.shopify(harness, topic: "carts/update", body: body, eventId: "r-3", triggeredAt: clock.now())
                .expectProblem(401, type: "webhook-bad-signature")
            #expect(try await Self.shopify(harness, topic: "carts/update", body: body, eventId: "r-4", secret: newSecret, triggeredAt: clock.now()).status == 200)
            try await admin.send(.delete, "/v1/admin/merchants/demo-shop/webhooks/secrets/\(ids[0])", headers: Self.admin).expectProblem(404)
            try await admin.send(.post, "/v1/admin/merchants/demo-shop/webhooks/secrets", json: ["secret": "short"], headers: Self.admin)
                .expectProblem(422)
        }
    }

    @Test func aWebhookCartIdlesIsOfferedACallAndItsOrderWithdrawsTheOffer() async throws {
        try await Self.run { harness, clock in
            let store = harness.services.store
            let merchants = MerchantDirectory(store: store, maxAge: .zero)
            let saga = EngagementSagaConsumer(store: store, merchants: merchants, capacity: ConfiguredCapacity(channels: 2), clock: clock)
            let scheduler = IdleScheduler(store: store, merchants: merchants, clock: clock, logger: TestDatabase.logger)
            let consumers: [any LogConsumer] = ProjectionCatalog.live() + [saga]
            let runner = ProjectorRunner(log: harness.log, projections: consumers, logger: TestDatabase.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await runner.run() }
                defer { group.cancelAll() }
                // A guest cart: its shopper is named after the cart token.
                let checkout = try Self.fixture("shopify-carts-update.json")
                let response = try await Self.shopify(harness, topic: "carts/update", body: checkout, eventId: "o-1", triggeredAt: clock.now())
                #expect(response.status == 200)
                let cart = try #require(try await Self.cart(harness, platform: .shopify, token: Self.shopifyToken).state)
                // The shopper consents (later, through the embeddable widget).
                let preferences = try ContactPreferences(mode: .voip, phone: nil, sipUri: "sip:ann@example.net", consent: true,
                                                         quietHours: nil, timeZone: "UTC")
                _ = try await harness.services.preferences.set(preferences, shopperId: cart.shopperId, eventIDs: .random)
                try await Self.settle(harness.log, consumers: consumers)
                clock.advance(seconds: 61)
                #expect(try await scheduler.pass() == 1)
                try await Self.settle(harness.log, consumers: consumers)
                let offers = try await harness.services.offers.openOffers(shopperId: cart.shopperId)
                let engagement = try await harness.log.read(stream: .engagement(cart.id)).map(\.type)
                #expect(offers.count == 1, "\(engagement)")

                let order = try await Self.shopify(harness, topic: "orders/create", body: try Self.fixture("shopify-orders-create.json"),
                                                   eventId: "o-2", triggeredAt: clock.now())
                #expect(order.status == 200 && order.json["outcome"] as? String == "accepted", "\(order.text)")
                #expect(try await Self.cart(harness, platform: .shopify, token: Self.shopifyToken).state?.status == .completed)
                #expect(try await harness.services.offers.openOffers(shopperId: cart.shopperId).isEmpty)
                #expect(try await harness.log.read(stream: .engagement(cart.id)).map(\.type).last == "OfferExpired")
                if let offer = offers.first {
                    try await harness.shopper().send(.post, "/v1/offers/\(offer.offerId.uuidString)/accept").expectProblem(404)
                }
            }
        }
    }

    /// Waits (bounded) until the consumers' checkpoints reach the log's head.
    static func settle(_ log: EventLog, consumers: [any LogConsumer], seconds: Int = 20) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            let head = try await log.headPosition()
            var behind = false
            for consumer in consumers where (try await log.checkpoint(of: consumer.consumer)?.globalPosition ?? 0) < head { behind = true }
            if !behind { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the consumers did not catch up within \(seconds) s")
    }
}
