import CartlineTestSupport
import Engine
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing
import WebAPI

/// A real Cartline web stack for one test: a fresh migrated database, a running event log,
/// the real router, and Hummingbird's in-process test client. Nothing is mocked.
struct WebHarness: Sendable {
    let database: TestDatabase
    let log: EventLog
    let services: WebServices
    let client: any TestClientProtocol
    let contract: OpenAPIContract
    static let adminToken = "test-admin-token-0123456789"
    static let metricsToken = "test-metrics-token-0123456789"

    static func run(configuration: WebConfiguration = testConfiguration(), _ body: @Sendable (WebHarness) async throws -> Void) async throws {
        let contract = try OpenAPIContract.load()
        try await TestDatabase.with { database in
            try await database.withEventLog { log in
                let services = WebServices(log: log, configuration: configuration, sealingKey: SecretKey(),
                                           sealingKeyID: "s1", metrics: PrometheusCollectorRegistry())
                let app = Application(router: try WebApplication.router(services), logger: TestDatabase.logger)
                try await app.test(.router) { client in
                    try await body(WebHarness(database: database, log: log, services: services, client: client, contract: contract))
                }
            }
        }
    }

    static func testConfiguration(preferenceKeys: String? = nil) -> WebConfiguration {
        let keys = preferenceKeys ?? "p2:\(SecretKey().base64),p1:\(SecretKey().base64)"
        // The keys are random per run; parsing them cannot fail.
        let ring = try! KeyRing(parsing: keys)
        var configuration = WebConfiguration(sessionKey: SecretKey(), preferenceKeys: ring, adminToken: adminToken,
                                             publicDirectory: TestDatabase.projectRoot.appendingPathComponent("Public"))
        configuration.metricsToken = metricsToken
        return configuration
    }

    /// A new browser-like client with its own cookie jar.
    func shopper() -> APIClient { APIClient(harness: self) }

    /// Registers `merchantId` through the admin API.
    @discardableResult
    func registerMerchant(_ merchantId: String = "demo-shop", catalog: [(sku: String, priceMicros: Int64)] = [("grinder", 129_500_000), ("beans", 24_900_000), ("tamper", 19_990_000)]) async throws -> APIResult {
        let admin = APIClient(harness: self)
        let result = try await admin.send(.post, "/v1/admin/merchants", json: Self.merchantJSON(merchantId, catalog: catalog),
                                          headers: ["Authorization": "Bearer \(Self.adminToken)"])
        #expect(result.status == 201, "\(result.text)")
        return result
    }

    static func merchantJSON(_ merchantId: String?, name: String = "Demo Shop", currency: String = "EUR",
                             catalog: [(sku: String, priceMicros: Int64)] = [("grinder", 129_500_000)]) -> [String: Any] {
        var json: [String: Any] = [
            "name": name, "currency": currency,
            "catalog": catalog.map { ["sku": $0.sku, "name": "Item \($0.sku)", "unitPriceMicros": $0.priceMicros] },
            "agents": [["name": "Dana", "sipUri": "sip:dana@127.0.0.1:5070"]],
            "engagement": [
                "idleThresholdSeconds": 60, "marginBasisPoints": 2500, "upliftBasisPoints": 1500, "expectedCallCostMicros": 2_000_000,
                "minimumGainMicros": 5_000_000, "cooldownSeconds": 3600, "holdoutBasisPoints": 1000, "offerTTLSeconds": 120,
            ],
            "pricing": ["payer": "merchant", "perMinuteMicros": 120_000, "billingIncrementSeconds": 6, "setupFeeMicros": 0],
        ]
        if let merchantId { json["merchantId"] = merchantId }
        return json
    }
}
