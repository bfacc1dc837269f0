import Domain
import EventLog
import Foundation
import Logging
import PostgresNIO

/// `live_calls`: calls requested and not yet over, with the node and channel that claimed
/// them and their phase. Telephony nodes find unclaimed calls here (and, after a restart,
/// the calls they left unfinished); the engagement saga counts busy channels from it.
public struct LiveCallsProjection: Projection {
    public static let kind = ProjectionKind(name: "live_calls") { LiveCallsProjection(table: $0) }
    public var name: String { Self.kind.name }
    public let table: ProjectionTable

    public init(table: ProjectionTable) { self.table = table }

    public func apply(_ events: [RecordedEvent], connection: PostgresConnection, logger: Logger) async throws {
        for recorded in events where recorded.stream.hasPrefix("call-") {
            let event: CallEvent
            do { event = try CallEvent(recorded: recorded) } catch { continue }  // not a call event this build knows
            let version = recorded.streamVersion
            let sql: String
            var binds = PostgresBindings()
            switch event {
            case .requested(let call):
                sql = """
                    INSERT INTO \(table) (call_id, shopper_id, merchant_id, mode, phase, requested_at, call_version)
                    VALUES ($1, $2, $3, $4, 'requested', $5, $6) ON CONFLICT (call_id) DO NOTHING
                    """
                binds.append(call.callId); binds.append(call.shopperId); binds.append(call.merchantId)
                binds.append(call.mode.rawValue); binds.append(call.at); binds.append(version)
            case .channelAssigned(let assigned):
                sql = "UPDATE \(table) SET node = $2, channel = $3, phase = 'connecting', call_version = $4 WHERE call_id = $1 AND call_version < $4"
                binds.append(assigned.callId); binds.append(assigned.node); binds.append(assigned.channel); binds.append(version)
            case .ringing(let ringing):
                sql = phaseUpdate; binds.append(ringing.callId); binds.append("ringing"); binds.append(version)
            case .answered(let answered):
                sql = phaseUpdate; binds.append(answered.callId); binds.append("answered"); binds.append(version)
            case .agentBridged(let bridged):
                sql = phaseUpdate; binds.append(bridged.callId); binds.append("talking"); binds.append(version)
            case .ended(let ended):
                sql = "DELETE FROM \(table) WHERE call_id = $1"; binds.append(ended.callId)
            case .failed(let failed):
                sql = "DELETE FROM \(table) WHERE call_id = $1"; binds.append(failed.callId)
            case .cancelRequested:
                continue  // the call stays live until its node fails it
            }
            _ = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        }
    }

    private var phaseUpdate: String { "UPDATE \(table) SET phase = $2, call_version = $3 WHERE call_id = $1 AND call_version < $3" }
}
