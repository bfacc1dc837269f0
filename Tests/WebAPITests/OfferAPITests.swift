import Domain
import Engine
import EventLog
import Foundation
import HTTPTypes
import Testing

@Suite("Answering call offers")
struct OfferAPITests {
    /// Opens a cart with an item and records an open offer for it, as the saga would.
    static func offeredCart(_ harness: WebHarness, _ shopper: APIClient, ttlSeconds: Double = 120) async throws -> (cartId: UUID, offerId: UUID) {
        let cartText = try #require(try await shopper.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"]).json["id"] as? String)
        let cartId = try #require(UUID(uuidString: cartText))
        _ = try await shopper.send(.post, "/v1/carts/\(cartText)/items", json: ["sku": "grinder", "quantity": 1])
        let cart = try #require(try await AggregateStore(log: harness.log).load(CartAggregate.self, .cart(cartId)).state)
        let offerId = UUID()
        let iso = ISO8601DateFormatter()
        let json = """
            {"offerId":"\(offerId.uuidString)","cartId":"\(cartId.uuidString)","shopperId":"\(cart.shopperId.uuidString)",\
            "merchantId":"demo-shop","cause":"\(UUID().uuidString)","expiresAt":"\(iso.string(from: Date().addingTimeInterval(ttlSeconds)))",\
            "at":"\(iso.string(from: Date()))"}
            """
        let event = NewEvent(type: CallOffered.eventType, data: try JSONPayload(validating: json))
        _ = try await harness.log.append(to: .engagement(cartId), [event], expected: .any)
        return (cartId, offerId)
    }

    @Test func acceptingRequestsACallToTheDestinationThePreferencesName() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            _ = try await shopper.send(.put, "/v1/preferences", json: ["mode": "pstn", "phone": "+4930123456", "consent": true])
            let (cartId, offerId) = try await Self.offeredCart(harness, shopper)
            let accepted = try await shopper.send(.post, "/v1/offers/\(offerId.uuidString.lowercased())/accept")
            #expect(accepted.status == 200, "\(accepted.text)")
            #expect(accepted.json["destination"] == nil && !accepted.text.contains("4930123456"), "the number is personal data")
            #expect(accepted.json["mode"] as? String == "pstn")
            #expect(accepted.json["modeText"] as? String == "on your phone")
            let callId = try #require(accepted.json["callId"] as? String)
            // A retried accept requests no second call.
            let again = try await shopper.send(.post, "/v1/offers/\(offerId.uuidString.lowercased())/accept")
            #expect(again.json["callId"] as? String == callId)
            let call = try await harness.log.read(stream: .call(try #require(UUID(uuidString: callId))))
            #expect(call.map(\.type) == ["CallRequested"])
            #expect(try await harness.log.read(stream: .engagement(cartId)).map(\.type) == ["CallOffered", "OfferAccepted", "CallRequested"])
            #expect(try await shopper.send(.get, "/v1/calls/\(callId)").json["status"] as? String == "requested")
            // The cart is untouched by the call.
            #expect(try await shopper.send(.get, "/v1/carts/\(cartId.uuidString.lowercased())").etag == "\"2\"")
            // Other shoppers see neither the offer nor the call.
            let other = harness.shopper()
            try await other.send(.get, "/v1/calls/\(callId)").expectProblem(404)
            try await other.send(.post, "/v1/offers/\(offerId.uuidString.lowercased())/decline").expectProblem(404)
        }
    }

    @Test func declinedExpiredOrUnconsentedOffersAreRefusedWithTheReason() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            let (_, noPrefs) = try await Self.offeredCart(harness, shopper)
            try await shopper.send(.post, "/v1/offers/\(noPrefs.uuidString.lowercased())/accept").expectProblem(409)
            _ = try await shopper.send(.put, "/v1/preferences", json: ["mode": "voip", "sipUri": "sip:ann@example.net", "consent": true])
            let declined = try await shopper.send(.post, "/v1/offers/\(noPrefs.uuidString.lowercased())/decline")
            #expect(declined.json["status"] as? String == "declined")
            try await shopper.send(.post, "/v1/offers/\(noPrefs.uuidString.lowercased())/accept").expectProblem(409)
            let (_, expired) = try await Self.offeredCart(harness, shopper, ttlSeconds: -1)
            try await shopper.send(.post, "/v1/offers/\(expired.uuidString.lowercased())/accept").expectProblem(409)
            try await shopper.send(.post, "/v1/offers/\(UUID().uuidString)/accept").expectProblem(404)
            try await shopper.send(.post, "/v1/offers/not-an-id/accept").expectProblem(404)
        }
    }
}

@Suite("The help action and the click-to-call link")
struct HelpAPITests {
    @Test func helpExplainsCallsAndKeepsOneCallPerCart() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            #expect(try await shopper.send(.post, "/v1/help").json["action"] as? String == "explain")  // nothing in a cart
            let cartId = try #require(try await shopper.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"]).json["id"] as? String)
            _ = try await shopper.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": "grinder", "quantity": 1])
            let noPrefs = try await shopper.send(.post, "/v1/help")
            #expect(noPrefs.json["action"] as? String == "explain")
            _ = try await shopper.send(.put, "/v1/preferences", json: ["mode": "voip", "sipUri": "sip:ann@example.net", "consent": false])
            #expect((try await shopper.send(.post, "/v1/help").json["reason"] as? String)?.contains("agreed") == true)
            _ = try await shopper.send(.put, "/v1/preferences", json: ["mode": "voip", "sipUri": "sip:ann@example.net", "consent": true])
            let help = try await shopper.send(.post, "/v1/help")
            #expect(help.json["action"] as? String == "call")
            let call = try #require(help.json["call"] as? [String: Any])
            #expect(call["destination"] == nil && call["mode"] as? String == "voip")
            #expect(call["status"] as? String == "requested")
            // The click-to-call link on the same cart finds the same call: one call per cart.
            let clicked = try await shopper.send(.post, "/v1/carts/\(cartId)/call")
            #expect((clicked.json["call"] as? [String: Any])?["callId"] as? String == call["callId"] as? String)
            #expect(clicked.headers[.location] == "/v1/calls/\(call["callId"] as? String ?? "")")
            try await shopper.send(.post, "/v1/help", body: #"{"x":1}"#).expectProblem(422)
            try await harness.shopper().send(.post, "/v1/carts/\(cartId)/call").expectProblem(404)
        }
    }

    /// Issue 14: the click-to-call link used to place the call on GET, which link prefetchers
    /// and other sites' top-level navigations reach. Now the link is a page that asks.
    @Test func followingTheClickToCallLinkPlacesNoCallOnlyTheShopsOwnPostDoes() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            let cartId = try #require(try await shopper.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"]).json["id"] as? String)
            _ = try await shopper.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": "grinder", "quantity": 1])
            _ = try await shopper.send(.put, "/v1/preferences", json: ["mode": "pstn", "phone": "+4930123456", "consent": true])
            let page = try await shopper.send(.get, "/v1/carts/\(cartId)/call")
            #expect(page.status == 200 && page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.text.contains("Yes, call me") && page.text.contains("/call.js"))
            #expect(try await shopper.send(.get, "/v1/engagement").json["call"] == nil, "following the link placed a call")
            // A POST from another site's page is refused, and places nothing either.
            let forged = try await shopper.send(.post, "/v1/carts/\(cartId)/call", headers: ["Origin": "https://evil.example.net"])
            forged.expectProblem(403)
            #expect(try await shopper.send(.get, "/v1/engagement").json["call"] == nil, "a cross-site POST placed a call")
            // Behind a proxy that names the shop's address, another site is still another site.
            try await shopper.send(.post, "/v1/carts/\(cartId)/call",
                                   headers: ["Origin": "https://evil.example.net", "X-Forwarded-Host": "shop.example.com"]).expectProblem(403)
            // The page's own button (same origin: the test server is `localhost`) places it.
            let asked = try await shopper.send(.post, "/v1/carts/\(cartId)/call", headers: ["Origin": "http://localhost"])
            #expect(asked.status == 200 && asked.json["action"] as? String == "call", "\(asked.text)")
            #expect((try await shopper.send(.get, "/v1/engagement").json["call"] as? [String: Any])?["status"] as? String == "requested")
        }
    }

    @Test func inQuietHoursHelpSchedulesACallbackAtTheirEnd() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            let cartId = try #require(try await shopper.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"]).json["id"] as? String)
            _ = try await shopper.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": "grinder", "quantity": 1])
            // Quiet hours that contain now, whatever the time: from the last hour to two hours ahead (UTC).
            let hour = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date()).hour!
            let start = String(format: "%02d:00", hour), end = String(format: "%02d:00", (hour + 2) % 24)
            _ = try await shopper.send(.put, "/v1/preferences", json: [
                "mode": "pstn", "phone": "+4930123456", "consent": true, "quietHours": ["start": start, "end": end], "timeZone": "UTC",
            ])
            let help = try await shopper.send(.post, "/v1/carts/\(cartId)/call")
            #expect(help.json["action"] as? String == "callback")
            let at = try #require((help.json["callbackAt"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
            #expect(at > Date() && at <= Date().addingTimeInterval(2 * 3_600 + 60))
        }
    }
}

@Suite("The agent console's API")
struct AgentAPITests {
    @Test func anAgentSeesTheirMerchantsCallsWithTheShoppersCart() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let anonymous = harness.shopper()
            try await anonymous.send(.get, "/v1/agent/calls").expectProblem(401, type: "not-signed-in")

            let agent = try await harness.signedInAgent()
            #expect((try await agent.send(.get, "/v1/agent/calls").json["calls"] as? [Any])?.isEmpty == true)
            let shopper = harness.shopper()
            _ = try await shopper.send(.put, "/v1/preferences", json: ["mode": "pstn", "phone": "+4930123456", "consent": true])
            let (_, offerId) = try await OfferAPITests.offeredCart(harness, shopper)
            _ = try await shopper.send(.post, "/v1/offers/\(offerId.uuidString.lowercased())/accept")

            let listed = try await agent.send(.get, "/v1/agent/calls")
            let call = try #require((listed.json["calls"] as? [[String: Any]])?.first)
            #expect(call["mode"] as? String == "pstn")
            #expect(call["status"] as? String == "requested" && call["statusText"] as? String == "Waiting for a line")
            #expect(call["destination"] == nil && !listed.text.contains("4930123456"))
            #expect(((call["cart"] as? [String: Any])?["items"] as? [[String: Any]])?.first?["sku"] as? String == "grinder")
            #expect(!listed.setCookies.contains { $0.name == "cartline_session" })  // agents get no shopper session

            let forged = harness.shopper()
            await forged.setCookie("cartline_agent", "v1.AAAA.BBBB")
            try await forged.send(.get, "/v1/agent/calls").expectProblem(401, type: "sign-in-invalid")
            #expect(try await agent.send(.get, "/agent").status == 200)
        }
    }
}
