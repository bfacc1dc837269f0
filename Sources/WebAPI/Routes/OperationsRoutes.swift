import EventLog
import Foundation
import HTTPTypes
import Hummingbird
import PostgresNIO

/// `/health` (ready only when the database answers, within a second) and `/metrics`
/// (Prometheus text).
struct OperationsRoutes {
    let services: WebServices

    func add(to table: inout RouteTable) {
        table.add(.get, "/health") { _, _ in
            let log = services.log
            let client = log.client
            let logger = log.logger
            do {
                try await withDeadline(seconds: 1, operation: "health check") {
                    _ = try await client.query("SELECT 1", logger: logger)
                }
            } catch {
                throw Problem.unavailable("the database does not answer")
            }
            return try APIResponse.json(["status": "ready"]).response
        }
        table.add(.get, "/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: services.metrics.emitToBuffer())))
        }
    }
}
