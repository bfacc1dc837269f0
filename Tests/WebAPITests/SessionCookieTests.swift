import CartlineTestSupport
import Crypto
import Engine
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing
import WebAPI

/// Issue 14: the session cookie carried no issue time and its key no ring — a stolen cookie
/// worked for ever, and rotating the key orphaned every shopper.
@Suite("The shopper's session cookie expires, refreshes and survives a key rotation")
struct SessionCookieTests {
    static func signed(_ payload: String, with key: SecretKey) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: key.symmetric)
        return payload + "." + Data(mac).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func cookie(_ shopperId: UUID, issuedSecondsAgo age: Int64, key: SecretKey) -> String {
        signed("v2.\(shopperId.uuidString.lowercased()).\(Int64(Date().timeIntervalSince1970) - age)", with: key)
    }

    /// The harness with `previous` keys that still verify.
    static func run(previous: [SecretKey] = [], _ body: @Sendable (WebHarness, SecretKey) async throws -> Void) async throws {
        let contract = try OpenAPIContract.load()
        try await TestDatabase.with { database in
            try await database.withEventLog { log in
                var configuration = WebHarness.testConfiguration()
                configuration.previousSessionKeys = previous
                let services = WebServices(log: log, configuration: configuration, sealingKey: SecretKey(), sealingKeyID: "s1",
                                           metrics: PrometheusCollectorRegistry())
                let app = Application(router: try WebApplication.router(services), logger: TestDatabase.logger)
                let key = configuration.sessionKey
                try await app.test(.router) { client in
                    try await body(WebHarness(database: database, log: log, services: services, client: client, contract: contract), key)
                }
            }
        }
    }

    /// The shopper a request with `cookie` acts for (the cart it opened is visible to it), and the cookie it got back.
    static func shopperSees(_ harness: WebHarness, cookie: String, cartId: String) async throws -> (sees: Bool, reissued: String?) {
        let client = harness.shopper()
        await client.setCookie("cartline_session", cookie)
        let carts = try await client.send(.get, "/v1/carts")
        let ids = (carts.json["carts"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        return (ids.contains(cartId), carts.setCookies.first { $0.name == "cartline_session" }?.value)
    }

    @Test func aSessionLastsThirtyDaysFromItsIssueAndIsIssuedAgainWhenUsed() async throws {
        try await Self.run { harness, key in
            try await harness.registerMerchant()
            let shopperId = UUID()
            let fresh = Self.cookie(shopperId, issuedSecondsAgo: 10, key: key)
            let opener = harness.shopper()
            await opener.setCookie("cartline_session", fresh)
            let cartId = try #require(try await opener.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"]).json["id"] as? String)

            let recent = try await Self.shopperSees(harness, cookie: fresh, cartId: cartId)
            #expect(recent.sees && recent.reissued == nil, "a fresh cookie is used as it is")
            let twoDays = try await Self.shopperSees(harness, cookie: Self.cookie(shopperId, issuedSecondsAgo: 2 * 86_400, key: key), cartId: cartId)
            #expect(twoDays.sees, "a two-day-old cookie still names the shopper")
            let renewed = try #require(twoDays.reissued, "and is issued again")
            #expect(renewed.hasPrefix("v2.\(shopperId.uuidString.lowercased()).") && renewed != fresh)
            let expired = try await Self.shopperSees(harness, cookie: Self.cookie(shopperId, issuedSecondsAgo: 31 * 86_400, key: key), cartId: cartId)
            #expect(!expired.sees, "a cookie issued 31 days ago names nobody")
            #expect(expired.reissued.map { !$0.contains(shopperId.uuidString.lowercased()) } == true, "a new shopper's cookie instead")
            let future = try await Self.shopperSees(harness, cookie: Self.cookie(shopperId, issuedSecondsAgo: -3_600, key: key), cartId: cartId)
            #expect(!future.sees, "a cookie issued an hour from now is forged or from a broken clock")
            let forged = try await Self.shopperSees(harness, cookie: Self.cookie(shopperId, issuedSecondsAgo: 10, key: SecretKey()), cartId: cartId)
            #expect(!forged.sees)
            // One second earlier, the rest untouched: only the signature can tell.
            var parts = fresh.split(separator: ".").map(String.init)
            parts[2] = String((Int64(parts[2]) ?? 0) - 1)
            let tampered = parts.joined(separator: ".")
            #expect(!(try await Self.shopperSees(harness, cookie: tampered, cartId: cartId)).sees, "the issue time is signed too")
        }
    }

    @Test func rotatingTheKeyKeepsShoppersAndResignsTheirCookies() async throws {
        let old = SecretKey()
        try await Self.run(previous: [old]) { harness, key in
            try await harness.registerMerchant()
            let shopperId = UUID()
            let opener = harness.shopper()
            await opener.setCookie("cartline_session", Self.cookie(shopperId, issuedSecondsAgo: 60, key: old))
            let cartId = try #require(try await opener.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"]).json["id"] as? String)
            let seen = try await Self.shopperSees(harness, cookie: Self.cookie(shopperId, issuedSecondsAgo: 60, key: old), cartId: cartId)
            #expect(seen.sees, "a cookie of the previous key still names the shopper")
            let resigned = try #require(seen.reissued, "and is signed again with the current key")
            #expect((try await Self.shopperSees(harness, cookie: resigned, cartId: cartId)) == (true, nil))
            // A cookie of the version before issue times, signed by the current key: accepted once, replaced.
            let legacy = Self.signed("v1.\(shopperId.uuidString.lowercased())", with: key)
            let upgraded = try await Self.shopperSees(harness, cookie: legacy, cartId: cartId)
            #expect(upgraded.sees && upgraded.reissued?.hasPrefix("v2.") == true)
        }
    }
}
