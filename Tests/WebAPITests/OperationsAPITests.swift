import CartlineTestSupport
import Engine
import EventLog
import Foundation
import HTTPTypes
import Testing
import WebAPI

@Suite("Health, metrics and the storefront files")
struct OperationsAPITests {
    static let scraper = ["Authorization": "Bearer \(WebHarness.metricsToken)"]

    @Test func healthIsReadyWhenTheDatabaseAnswersAndMetricsAreText() async throws {
        try await WebHarness.run { harness in
            let client = harness.shopper()
            let health = try await client.send(.get, "/health")
            #expect(health.status == 200)
            #expect(health.json["status"] as? String == "ready")
            #expect(health.setCookies.isEmpty)  // no session for probes
            let metrics = try await client.send(.get, "/metrics", headers: Self.scraper)
            #expect(metrics.status == 200)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
        }
    }

    /// Regression (issue 14): `/metrics` was public.
    @Test func metricsNeedTheirOwnBearerToken() async throws {
        try await WebHarness.run { harness in
            let client = harness.shopper()
            let without = try await client.send(.get, "/metrics")
            #expect(without.status == 401)
            #expect(without.headers[.wwwAuthenticate] == #"Bearer realm="cartline-metrics""#)
            let wrong = try await client.send(.get, "/metrics", headers: ["Authorization": "Bearer \(WebHarness.metricsToken)x"])
            #expect(wrong.status == 401)
            let admin = try await client.send(.get, "/metrics", headers: ["Authorization": "Bearer \(WebHarness.adminToken)"])
            #expect(admin.status == 401)  // the admin token is not the scraper's
            let right = try await client.send(.get, "/metrics", headers: Self.scraper)
            #expect(right.status == 200)
            #expect(right.text.contains("# TYPE"))
        }
    }

    @Test func withoutAMetricsTokenMetricsAreNotServedAndTheAnswerSaysHowToEnableThem() async throws {
        var configuration = WebHarness.testConfiguration()
        configuration.metricsToken = nil
        #expect(configuration.metricsToken == nil)
        let environment = ["CARTLINE_SESSION_KEY": SecretKey().base64, "CARTLINE_PREFS_KEYS": "p1:\(SecretKey().base64)",
                           "CARTLINE_ADMIN_TOKEN": WebHarness.adminToken]
        let unset = try WebConfiguration.fromEnvironment(environment, defaultPublicDirectory: TestDatabase.projectRoot)
        #expect(unset.metricsToken == nil)
        #expect(throws: ConfigurationError.self) {
            try WebConfiguration.fromEnvironment(environment.merging(["CARTLINE_METRICS_TOKEN": "short"]) { $1 },
                                                 defaultPublicDirectory: TestDatabase.projectRoot)
        }
        try await WebHarness.run(configuration: configuration) { harness in
            let answer = try await harness.shopper().send(.get, "/metrics", headers: Self.scraper)
            #expect(answer.status == 404)
            #expect(answer.text.contains("CARTLINE_METRICS_TOKEN"), "\(answer.text)")
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
            let metrics = try await harness.shopper().send(.get, "/metrics", headers: Self.scraper).text
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
