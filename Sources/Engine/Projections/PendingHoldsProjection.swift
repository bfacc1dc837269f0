import Billing
import EventLog
import Foundation
import Logging
import PostgresNIO

/// `pending_holds`: holds placed on shoppers' wallets and not yet posted, voided or expired,
/// by expiry, so the clock finds the ones to lapse without reading every wallet.
public struct PendingHoldsProjection: Projection {
    public static let kind = ProjectionKind(name: "pending_holds") { PendingHoldsProjection(table: $0) }
    public var name: String { Self.kind.name }
    public let table: ProjectionTable

    public init(table: ProjectionTable) { self.table = table }

    public func apply(_ events: [RecordedEvent], connection: PostgresConnection, logger: Logger) async throws {
        for recorded in events where recorded.stream.hasPrefix("wallet-") {
            var binds = PostgresBindings()
            let sql: String
            switch recorded.type {
            case HoldPlaced.eventType:
                guard let placed = try? recorded.data.decode(as: HoldPlaced.self),
                      let shopperId = UUID(uuidString: String(recorded.stream.dropFirst("wallet-".count))) else { continue }
                sql = "INSERT INTO \(table) (hold_id, shopper_id, expires_at) VALUES ($1, $2, $3) ON CONFLICT (hold_id) DO NOTHING"
                binds.append(placed.holdId); binds.append(shopperId); binds.append(placed.expiresAt)
            case HoldPosted.eventType:
                guard let posted = try? recorded.data.decode(as: HoldPosted.self) else { continue }
                sql = "DELETE FROM \(table) WHERE hold_id = $1"; binds.append(posted.holdId)
            case HoldVoided.eventType:
                guard let voided = try? recorded.data.decode(as: HoldVoided.self) else { continue }
                sql = "DELETE FROM \(table) WHERE hold_id = $1"; binds.append(voided.holdId)
            case HoldExpired.eventType:
                guard let expired = try? recorded.data.decode(as: HoldExpired.self) else { continue }
                sql = "DELETE FROM \(table) WHERE hold_id = $1"; binds.append(expired.holdId)
            default:
                continue
            }
            _ = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        }
    }
}
