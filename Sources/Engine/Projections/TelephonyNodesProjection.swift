import Domain
import EventLog
import Foundation
import Logging
import PostgresNIO

/// `telephony_nodes`: each node's announced channel count and state, from `telephony-<node>`.
public struct TelephonyNodesProjection: Projection {
    public static let kind = ProjectionKind(name: "telephony_nodes") { TelephonyNodesProjection(table: $0) }
    public var name: String { Self.kind.name }
    public let table: ProjectionTable

    public init(table: ProjectionTable) { self.table = table }

    public func apply(_ events: [RecordedEvent], connection: PostgresConnection, logger: Logger) async throws {
        for recorded in events where recorded.stream.hasPrefix("telephony-") {
            let event: TelephonyNodeEvent
            do { event = try TelephonyNodeEvent(recorded: recorded) } catch { continue }
            let version = recorded.streamVersion
            var binds = PostgresBindings()
            let sql: String
            switch event {
            case .announced(let announced):
                sql = """
                    INSERT INTO \(table) (node, max_channels, address, state, updated_at, node_version)
                    VALUES ($1, $2, $3, 'running', $4, $5)
                    ON CONFLICT (node) DO UPDATE SET max_channels = $2, address = $3, state = 'running', updated_at = $4, node_version = $5
                    WHERE \(table).node_version < $5
                    """
                binds.append(announced.node); binds.append(announced.maxChannels); binds.append(announced.address)
                binds.append(announced.at); binds.append(version)
            case .draining(let draining):
                sql = stateUpdate; binds.append(draining.node); binds.append("draining"); binds.append(draining.at); binds.append(version)
            case .resumed(let resumed):
                sql = stateUpdate; binds.append(resumed.node); binds.append("running"); binds.append(resumed.at); binds.append(version)
            case .stopped(let stopped):
                sql = stateUpdate; binds.append(stopped.node); binds.append("stopped"); binds.append(stopped.at); binds.append(version)
            }
            _ = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        }
    }

    private var stateUpdate: String {
        "UPDATE \(table) SET state = $2, updated_at = $3, node_version = $4 WHERE node = $1 AND node_version < $4"
    }
}
