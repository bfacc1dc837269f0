import Engine
import EventLog
import Foundation
import HTTPTypes
import Testing

@Suite("Health, metrics and the storefront files")
struct OperationsAPITests {
    @Test func healthIsReadyWhenTheDatabaseAnswersAndMetricsAreText() async throws {
        try await WebHarness.run { harness in
            let client = harness.shopper()
            let health = try await client.send(.get, "/health")
            #expect(health.status == 200)
            #expect(health.json["status"] as? String == "ready")
            #expect(health.setCookies.isEmpty)  // no session for probes
            let metrics = try await client.send(.get, "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
        }
    }

    @Test func healthSaysWhichRolesRunHereAndWhetherCallsCanBePlaced() async throws {
        try await WebHarness.run { harness in
            let health = try await harness.shopper().send(.get, "/health")
            #expect(health.json["roles"] as? [String: String] == ["web": "ready", "engine": "ready", "telephony": "ready"])
            // No telephony node has announced itself: orders yes, a promise of a call no.
            #expect(health.json["telephonyNodesAlive"] as? Int == 0)
            #expect(health.json["readyToCall"] as? Bool == false)
        }
    }

    @Test func metricsShowOffersMadeAndAcceptedAndTheirConversion() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            _ = try await shopper.send(.put, "/v1/preferences", json: CallStatusAPITests.phone)
            let (_, offerId) = try await OfferAPITests.offeredCart(harness, shopper)
            _ = try await OfferAPITests.offeredCart(harness, harness.shopper())
            _ = try await shopper.send(.post, "/v1/offers/\(offerId.uuidString.lowercased())/accept")
            // The figures come from the `offers` projection; no projector runs here: bring it up to date once.
            try await ProjectionMaintenance(log: harness.log, logger: harness.log.logger).rebuild(OffersProjection.kind.name)
            let metrics = try await harness.shopper().send(.get, "/metrics").text
            #expect(metrics.contains(#"cartline_offers_last_24h{outcome="made"} 2"#), "\(metrics)")
            #expect(metrics.contains(#"cartline_offers_last_24h{outcome="accepted"} 1"#))
            #expect(metrics.contains("cartline_offer_conversion_ratio 0.5"))
            #expect(metrics.contains("cartline_calls_waiting ") && metrics.contains("cartline_calls_ringing ") && metrics.contains("cartline_calls_live "))
        }
    }

    @Test func theStorefrontIsServedWithAStrictContentSecurityPolicy() async throws {
        try await WebHarness.run { harness in
            let client = harness.shopper()
            let page = try await client.send(.get, "/")
            #expect(page.status == 200)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.text.contains("/storefront.js"))
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            #expect(try await client.send(.get, "/storefront.js").headers[.contentType]?.hasPrefix("text/javascript") == true)
            #expect(try await client.send(.get, "/storefront.css").status == 200)
        }
    }
}
