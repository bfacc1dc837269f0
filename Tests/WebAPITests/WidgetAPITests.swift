import CartlineTestSupport
import Domain
import Engine
import Foundation
import HTTPTypes
import Testing
import WebAPI

/// The embeddable widget's routes: a shopper named by the token a merchant's backend signs,
/// CORS limited to the merchant's allowed origins, nothing else reachable.
@Suite("The embeddable widget: shopper tokens and CORS")
struct WidgetAPITests {
    static let origin = "https://shop.example.com"
    static let secret = "widget-test-secret-0123456789abcdef"

    /// The demo merchant, its pages allowed at `origin`, with a webhook secret.
    static func merchant(_ harness: WebHarness, _ merchantId: String = "demo-shop", secret: String = secret) async throws {
        var json = WebHarness.merchantJSON(merchantId, catalog: [("grinder", 129_500_000)])
        json["allowedOrigins"] = [origin, "HTTP://LocalHost:8000"]
        let created = try await harness.shopper().send(.post, "/v1/admin/merchants", json: json,
                                                       headers: ["Authorization": "Bearer \(WebHarness.adminToken)"])
        #expect(created.status == 201, "\(created.text)")
        _ = try await harness.services.webhooks.secrets.add(merchantId: merchantId, secret: secret)
    }

    static func token(_ merchantId: String = "demo-shop", customer: String = "c-42", lifetime: Int64 = 900, secret: String = secret) -> String {
        ShopperTokenVerifier.sign(merchantId: merchantId, subject: .customer(customer),
                                  expiresAtUnixSeconds: Int64(Date().timeIntervalSince1970) + lifetime, secret: secret)
    }

    static func headers(_ token: String, origin: String? = origin) -> [String: String] {
        var headers = ["Authorization": "Shopper \(token)"]
        if let origin { headers["Origin"] = origin }
        return headers
    }

    @Test func theTokenNamesTheShopperTheWebhooksNameAndNeedsNoCookie() async throws {
        try await BrowserVoiceAPITests.run(gateway: nil) { harness in
            try await Self.merchant(harness)
            let widget = harness.shopper()
            let none = try await widget.send(.get, "/v1/widget/demo-shop/preferences", headers: Self.headers(Self.token()))
            none.expectProblem(404)
            #expect(none.headers[.accessControlAllowOrigin] == Self.origin, "a problem is readable by the page too")
            let put = try await widget.send(.put, "/v1/widget/demo-shop/preferences", json: ["mode": "pstn", "phone": "+4930123456", "consent": true],
                                            headers: Self.headers(Self.token()))
            #expect(put.status == 200, "\(put.text)")
            #expect(put.headers[.accessControlAllowOrigin] == Self.origin && put.headers[.vary] == "Origin")
            #expect(!put.setCookies.contains { $0.name == "cartline_session" }, "the widget gets no session cookie")
            // Stored for the shopper the merchant's webhooks name for customer c-42.
            let shopperId = WebhookIdentity.shopperId(merchantId: "demo-shop", customerId: "c-42", cartToken: "")
            let stored = try await AggregateStore(log: harness.log).load(ShopperAggregate.self, .shopper(shopperId)).state
            #expect(stored.preferences?.consent == true)
            // The lower-case spelling of an allowed origin is what browsers send; it is allowed.
            let local = try await harness.shopper().send(.get, "/v1/widget/demo-shop/preferences",
                                                         headers: Self.headers(Self.token(), origin: "http://localhost:8000"))
            #expect(local.status == 200 && local.headers[.accessControlAllowOrigin] == "http://localhost:8000", "\(local.text)")

            // The shopper's cart (as a webhook would open it) gets a call through the widget.
            let cartId = UUID()
            let store = AggregateStore(log: harness.log)
            let carts = CartService(store: store, merchants: MerchantDirectory(store: store), carts: CartDirectory(log: harness.log), clock: SystemClock())
            _ = try await carts.open(cartId: cartId, shopperId: shopperId, merchantId: "demo-shop", eventIDs: .random)
            _ = try await carts.addItem(cartId: cartId, shopperId: shopperId, sku: "grinder", quantity: 1,
                                                         condition: .latest, eventIDs: .random)
            let help = try await widget.send(.post, "/v1/widget/demo-shop/help", headers: Self.headers(Self.token()))
            #expect(help.status == 200, "\(help.text)")
            let callId = try #require((help.json["call"] as? [String: Any])?["callId"] as? String)
            let call = try await widget.send(.get, "/v1/widget/demo-shop/calls/\(callId)", headers: Self.headers(Self.token()))
            #expect(call.status == 200 && call.json["cartId"] as? String == cartId.uuidString.lowercased(), "\(call.text)")
            let engagement = try await widget.send(.get, "/v1/widget/demo-shop/engagement", headers: Self.headers(Self.token()))
            #expect((engagement.json["call"] as? [String: Any])?["callId"] as? String == callId)
            // Another customer's token does not see that call.
            try await widget.send(.get, "/v1/widget/demo-shop/calls/\(callId)", headers: Self.headers(Self.token(customer: "c-43")))
                .expectProblem(404)
        }
    }

    @Test func preflightsAndRequestsFromOriginsNotInTheListAreRefusedAndChangeNothing() async throws {
        try await BrowserVoiceAPITests.run(gateway: nil) { harness in
            try await Self.merchant(harness)
            let client = harness.shopper()
            let preflight = try await client.send(.options, "/v1/widget/demo-shop/preferences",
                                                  headers: ["Origin": Self.origin, "Access-Control-Request-Method": "PUT",
                                                            "Access-Control-Request-Headers": "authorization, content-type"])
            #expect(preflight.status == 204)
            #expect(preflight.headers[.accessControlAllowOrigin] == Self.origin)
            #expect(preflight.headers[.accessControlAllowHeaders]?.contains("authorization") == true)
            #expect(preflight.headers[.accessControlAllowMethods]?.contains("PUT") == true)
            let stranger = "https://evil.example.net"
            let refused = try await client.send(.options, "/v1/widget/demo-shop/preferences",
                                                headers: ["Origin": stranger, "Access-Control-Request-Method": "PUT"])
            refused.expectProblem(403)
            #expect(refused.headers[.accessControlAllowOrigin] == nil)
            let put = try await client.send(.put, "/v1/widget/demo-shop/preferences", json: ["consent": true],
                                            headers: Self.headers(Self.token(), origin: stranger))
            put.expectProblem(403)
            #expect(put.headers[.accessControlAllowOrigin] == nil)
            let shopperId = WebhookIdentity.shopperId(merchantId: "demo-shop", customerId: "c-42", cartToken: "")
            #expect(try await AggregateStore(log: harness.log).load(ShopperAggregate.self, .shopper(shopperId)).state.preferences == nil,
                    "a refused origin changed nothing")
            // An unknown merchant: 404, preflight or not.
            try await client.send(.options, "/v1/widget/no-such-shop/preferences", headers: ["Origin": Self.origin]).expectProblem(404)
            try await client.send(.get, "/v1/widget/no-such-shop/preferences", headers: Self.headers(Self.token("no-such-shop")))
                .expectProblem(404)
            // Only the widget's surface: no carts, no wallet, no admin through it.
            try await client.send(.get, "/v1/widget/demo-shop/carts", headers: Self.headers(Self.token())).expectProblem(404)
            try await client.send(.get, "/v1/widget/demo-shop/wallet", headers: Self.headers(Self.token())).expectProblem(404)
        }
    }

    @Test func missingExpiredForgedForeignAndRotatedTokensAreToldApart() async throws {
        try await BrowserVoiceAPITests.run(gateway: nil) { harness in
            try await Self.merchant(harness)
            try await Self.merchant(harness, "other-shop", secret: "other-shop-secret-0123456789abcdef")
            let client = harness.shopper()
            let path = "/v1/widget/demo-shop/preferences"
            func refused(_ headers: [String: String], _ slug: String) async throws {
                let answer = try await client.send(.get, path, headers: headers)
                answer.expectProblem(401)
                #expect((answer.json["type"] as? String)?.hasSuffix(slug) == true, "\(answer.text)")
                #expect(answer.headers[.wwwAuthenticate]?.hasPrefix("Shopper") == true)
            }
            try await refused(["Origin": Self.origin], "shopper-token-missing")
            try await refused(Self.headers("v1.not-a-token"), "shopper-token-invalid")
            try await refused(Self.headers(Self.token(lifetime: -5)), "shopper-token-expired")
            try await refused(Self.headers(Self.token(lifetime: 7_200)), "shopper-token-invalid")
            try await refused(Self.headers(Self.token(secret: "not-the-shops-secret-0123456789")), "shopper-token-invalid")
            // Another shop's genuine token, on this shop's widget.
            try await refused(Self.headers(Self.token("other-shop", secret: "other-shop-secret-0123456789abcdef")), "shopper-token-invalid")
            // A payload changed after signing.
            let parts = Self.token().split(separator: ".").map(String.init)
            let forged = ShopperTokenVerifier.sign(merchantId: "demo-shop", subject: .customer("c-1"), expiresAtUnixSeconds: Int64(Date().timeIntervalSince1970) + 60,
                                                   secret: "x-0123456789abcdef").split(separator: ".").map(String.init)
            try await refused(Self.headers("v1.\(forged[1]).\(parts[2])"), "shopper-token-invalid")

            // Rotation: the new and the old secret both work until the old one is removed.
            let secrets = harness.services.webhooks.secrets
            let added = try await secrets.add(merchantId: "demo-shop", secret: "the-new-widget-secret-0123456789")
            #expect(try await client.send(.get, path, headers: Self.headers(Self.token(secret: added.secret))).status == 404)
            #expect(try await client.send(.get, path, headers: Self.headers(Self.token())).status == 404)
            let old = try #require(try await secrets.list(merchantId: "demo-shop").first { $0.secretId != added.secretId })
            try await secrets.remove(merchantId: "demo-shop", secretId: old.secretId)
            try await refused(Self.headers(Self.token()), "shopper-token-invalid")
            #expect(try await client.send(.get, path, headers: Self.headers(Self.token(secret: added.secret))).status == 404)
        }
    }
}
