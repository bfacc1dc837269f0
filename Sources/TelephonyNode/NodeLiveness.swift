import EventLog
import Logging
import PostgresNIO

/// Whether a telephony node is alive is a Postgres session it holds, not heartbeat events
/// that would flood the log: the node takes an advisory lock (class "tele", key
/// `hashtext(node)`) on a dedicated connection for as long as it runs. When the process
/// dies the connection closes and the lock goes with it; `TelephonyCapacity` counts only
/// nodes whose lock is held.
struct NodeLiveness: Sendable {
    /// Advisory-lock class of telephony nodes ("tele" in ASCII).
    static let lockClass: Int32 = 0x7465_6C65
    /// How long a starting node waits for its name's lock (a predecessor's session may
    /// still be closing after a kill -9).
    static let acquireWait: Duration = .seconds(20)
    static let heartbeatInterval: Duration = .seconds(5)
    static let queryDeadlineSeconds = 5.0

    let log: EventLog
    let node: String
    let logger: Logger

    /// Runs `body` while holding the node's lock; throws `anotherNodeRuns` when the lock
    /// stays taken. `body` is cancelled when the lock's connection is lost.
    func whileAlive(_ body: @escaping @Sendable () async throws -> Void) async throws {
        let node = self.node
        let logger = self.logger
        try await log.client.withConnection { connection in
            let deadline = ContinuousClock.now + Self.acquireWait
            while true {
                let rows = try await withDeadline(seconds: Self.queryDeadlineSeconds, operation: "take node lock") {
                    try await connection.query("SELECT pg_try_advisory_lock(\(Self.lockClass), hashtext(\(node)))", logger: logger)
                }
                var held = false
                for try await value in rows.decode(Bool.self) { held = value }
                if held { break }
                guard ContinuousClock.now < deadline else { throw TelephonyNodeError.anotherNodeRuns(node) }
                try await Task.sleep(for: .milliseconds(250))
            }
            defer {
                // The lock goes with the connection if the unlock below never runs.
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await body() }
                group.addTask {
                    while true {
                        try await Task.sleep(for: Self.heartbeatInterval)
                        _ = try await withDeadline(seconds: Self.queryDeadlineSeconds, operation: "node heartbeat") {
                            try await connection.query("SELECT 1", logger: logger)
                        }
                    }
                }
                defer { group.cancelAll() }
                try await group.next()
            }
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockClass), hashtext(\(node)))", logger: logger)
        }
    }
}
