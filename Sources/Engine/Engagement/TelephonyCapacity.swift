import EventLog
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Free voice channels across the live telephony nodes, from the log's read models:
/// the channels announced by nodes that are running and alive (holding their Postgres
/// session lock), less the calls claimed by them or waiting to be claimed. A web process
/// on another host sees the same figure. Cached briefly so that a burst of decisions
/// costs one query.
public final class TelephonyCapacity: ChannelCapacity, Sendable {
    /// The advisory-lock class telephony nodes hold ("tele").
    public static let nodeLockClass: Int32 = 0x7465_6C65
    static let cacheMilliseconds: Int64 = 500

    let log: EventLog
    private let cached = Mutex<(value: Int, at: ContinuousClock.Instant)?>(nil)

    public init(log: EventLog) { self.log = log }

    public func freeChannels() async -> Int {
        if let hit = cached.withLock({ $0 }), ContinuousClock.now - hit.at < .milliseconds(Self.cacheMilliseconds) { return hit.value }
        let value = (try? await query()) ?? 0
        cached.withLock { $0 = (value, .now) }
        return value
    }

    /// Names of running nodes whose session lock is held now.
    public func aliveNodes() async throws -> [String] {
        let client = log.client
        let logger = log.logger
        return try await log.run("list live telephony nodes") {
            let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT node FROM telephony_nodes n WHERE \(Self.aliveCondition)"), logger: logger)
            var nodes: [String] = []
            for try await node in rows.decode(String.self) { nodes.append(node) }
            return nodes
        }
    }

    private func query() async throws -> Int {
        let client = log.client
        let logger = log.logger
        return try await log.run("count free channels") {
            let rows = try await client.query(PostgresQuery(unsafeSQL: """
                WITH alive AS (SELECT node, max_channels FROM telephony_nodes n WHERE n.state = 'running' AND \(Self.aliveCondition))
                SELECT ((SELECT COALESCE(sum(max_channels), 0) FROM alive)
                      - (SELECT count(*) FROM live_calls c WHERE c.node IS NULL OR c.node IN (SELECT node FROM alive)))::bigint
                """), logger: logger)
            for try await free in rows.decode(Int64.self) { return max(0, Int(free)) }
            return 0
        }
    }

    /// The node's advisory lock (class, hashtext(node)) is held in this database.
    static let aliveCondition = """
        EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted
                AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                AND l.classid = \(nodeLockClass)::oid AND l.objid = (hashtext(n.node)::bigint & 4294967295)::oid AND l.objsubid = 2)
        """
}
