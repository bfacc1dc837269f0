import Foundation
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
