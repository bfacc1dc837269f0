import EventLog
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Whether the database answers, asked twice a second (`SELECT 1`, a second at most). Two
/// failures in a row mark it down; one answer marks it up. While it is down, requests are
/// answered at once with 503 and `Retry-After` (`DatabaseGateMiddleware`) instead of each
/// waiting out the log's operation timeout (30 s) for a connection that will not come.
public final class DatabaseWatch: Service, Sendable {
    static let intervalSeconds = 0.5
    static let probeDeadlineSeconds = 1.0
    static let failuresToMarkDown = 2

    let log: EventLog
    private let failures = Atomic<Int>(0)

    public init(log: EventLog) {
        self.log = log
    }

    /// True after `failuresToMarkDown` failed probes in a row, until one succeeds.
    public var isDown: Bool { failures.load(ordering: .relaxed) >= Self.failuresToMarkDown }

    public func run() async throws {
        let client = log.client
        let logger = log.logger
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    let wasDown = self.isDown
                    do {
                        try await withDeadline(seconds: Self.probeDeadlineSeconds, operation: "database probe") {
                            _ = try await client.query("SELECT 1", logger: logger)
                        }
                        self.failures.store(0, ordering: .relaxed)
                        if wasDown { logger.warning("the database answers again") }
                    } catch is CancellationError {
                        return
                    } catch {
                        let count = self.failures.add(1, ordering: .relaxed).newValue
                        if count == Self.failuresToMarkDown { logger.warning("the database does not answer; refusing requests with 503 until it does", metadata: ["error": "\(error)"]) }
                    }
                    try await Task.sleep(for: .seconds(Self.intervalSeconds))
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
