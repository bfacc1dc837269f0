import Crypto
import Engine
import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import PostgresNIO
import Prometheus

/// `/health` (ready only when the database answers, within a second; with the roles this
/// process runs and whether calls can be placed) and `/metrics` (Prometheus text, the
/// business gauges read at each scrape; only with `Authorization: Bearer
/// <CARTLINE_METRICS_TOKEN>`, and 404 while no such token is configured).
struct OperationsRoutes {
    let services: WebServices

    func add(to table: inout RouteTable) {
        table.add(.get, "/health") { _, _ in
            let log = services.log
            let client = log.client
            let logger = log.logger
            let nodes: Int
            do {
                nodes = try await withDeadline(seconds: 1, operation: "health check") {
                    _ = try await client.query("SELECT 1", logger: logger)
                    return try await TelephonyCapacity(log: log).aliveNodes().count
                }
            } catch {
                throw Problem.unavailable("the database does not answer")
            }
            var roles: [String: String] = [:]
            for role in ["web", "engine", "telephony"] { roles[role] = services.roles.contains(role) ? "ready" : "elsewhere" }
            return try APIResponse.json(HealthView(status: "ready", roles: roles, telephonyNodesAlive: nodes, readyToCall: nodes > 0)).response
        }
        table.add(.get, "/metrics") { request, _ in
            try authorizeMetrics(request)
            do {
                let reading = try await withDeadline(seconds: 3, operation: "business gauges") { try await BusinessGauges(log: services.log).read() }
                let registry = services.metrics
                registry.makeGauge(name: "cartline_calls_waiting").set(reading.callsWaiting)
                registry.makeGauge(name: "cartline_calls_ringing").set(reading.callsPlacing)
                registry.makeGauge(name: "cartline_calls_live").set(reading.callsLive)
                registry.makeGauge(name: "cartline_offers_last_24h", labels: [("outcome", "made")]).set(reading.offersMade)
                registry.makeGauge(name: "cartline_offers_last_24h", labels: [("outcome", "accepted")]).set(reading.offersAccepted)
                registry.makeGauge(name: "cartline_offer_conversion_ratio").set(reading.conversion)
            } catch {
                // The scrape still answers, with the gauges as last read.
                services.log.logger.warning("business gauges not read", metadata: ["error": "\(error)"])
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: services.metrics.emitToBuffer())))
        }
    }

    /// The figures show business volume and the plumbing's weak spots: scrapers present their
    /// own token (`CARTLINE_METRICS_TOKEN`), compared in constant time as the admin token is.
    func authorizeMetrics(_ request: Request) throws {
        guard let expected = services.configuration.metricsToken else {
            throw Problem(.notFound, "metrics-not-enabled", title: "Metrics not enabled",
                          detail: "set CARTLINE_METRICS_TOKEN (16+ characters) to enable /metrics, then scrape with Authorization: Bearer <token>")
        }
        let presented = request.bearerToken ?? ""
        // Compare digests so neither the length nor a prefix of the token leaks through timing.
        let same = SHA256.hash(data: Data(presented.utf8)) == SHA256.hash(data: Data(expected.utf8))
        guard !presented.isEmpty, same else { throw Problem.unauthorized(realm: "cartline-metrics", needs: "the metrics bearer token") }
    }
}
