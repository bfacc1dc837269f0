import Domain
import Engine
import Foundation
import HTTPTypes
import Testing
import WebAPI

/// Regressions (issue 14): the preferences cookie was read before the log, so a cookie
/// issued while the shopper consented kept saying "consent" after it was withdrawn.
@Suite("A stale preferences cookie never overrides the log")
struct StalePreferencesCookieTests {
    static var consenting: [String: Any] { ["mode": "pstn", "phone": "+4930123456", "consent": true] }

    @Test func consentWithdrawnThroughTheAPIIsNotOverriddenByTheOldCookie() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            #expect(try await shopper.send(.put, "/v1/preferences", json: Self.consenting).status == 200)
            let stale = try #require(await shopper.cookies["cartline_prefs"])
            let (_, offerId) = try await OfferAPITests.offeredCart(harness, shopper)
            var withdrawn = Self.consenting
            withdrawn["consent"] = false
            #expect(try await shopper.send(.put, "/v1/preferences", json: withdrawn).status == 200)

            await shopper.setCookie("cartline_prefs", stale)
            let read = try await shopper.send(.get, "/v1/preferences")
            #expect(read.json["consent"] as? Bool == false, "\(read.text)")
            #expect(read.json["source"] as? String == "log")

            await shopper.setCookie("cartline_prefs", stale)
            let help = try await shopper.send(.post, "/v1/help")
            #expect(help.json["action"] as? String == "explain", "\(help.text)")
            #expect((help.json["reason"] as? String)?.contains("not agreed") == true, "\(help.text)")

            await shopper.setCookie("cartline_prefs", stale)
            let accept = try await shopper.send(.post, "/v1/offers/\(offerId.uuidString.lowercased())/accept")
            #expect(accept.status == 409, "\(accept.text)")
            #expect(accept.text.contains("consent"))
        }
    }

    @Test func aConsentWithdrawnEventInTheShopperStreamMakesTheOldCookieUnused() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            #expect(try await shopper.send(.put, "/v1/preferences", json: Self.consenting).status == 200)
            let stale = try #require(await shopper.cookies["cartline_prefs"])
            #expect(try await shopper.send(.get, "/v1/preferences").json["source"] as? String == "cookie")  // a fresh cookie is used
            let (cartId, offerId) = try await OfferAPITests.offeredCart(harness, shopper)
            let shopperId = try #require(try await harness.services.store.load(CartAggregate.self, .cart(cartId)).state).shopperId
            // `ConsentWithdrawn`, as any writer of the shopper's stream appends it.
            try await harness.services.store.execute(ShopperAggregate.self, .shopper(shopperId)) { state in
                Shopper.decide(.withdrawConsent, state: state, now: Date())
            }

            await shopper.setCookie("cartline_prefs", stale)
            let read = try await shopper.send(.get, "/v1/preferences")
            #expect(read.json["consent"] as? Bool == false, "\(read.text)")
            #expect(read.json["source"] as? String == "log")
            // The answer re-issues the cookie at the stream's version: used again from now on.
            #expect(read.setCookies.contains { $0.name == "cartline_prefs" })
            #expect(try await shopper.send(.get, "/v1/preferences").json["source"] as? String == "cookie")

            await shopper.setCookie("cartline_prefs", stale)
            #expect(try await shopper.send(.post, "/v1/offers/\(offerId.uuidString.lowercased())/accept").status == 409)
        }
    }
}
