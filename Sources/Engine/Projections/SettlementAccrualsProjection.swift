import Billing
import Domain
import EventLog
import Foundation
import Logging
import PostgresNIO

/// `settlement_accruals`: the shoppers (by merchant and currency) whose wallets hold small
/// charges waiting for a periodic settlement, so the clock settles them without reading
/// every wallet. A statement that covers a row's newest charge removes it.
public struct SettlementAccrualsProjection: Projection {
    public static let kind = ProjectionKind(name: "settlement_accruals") { SettlementAccrualsProjection(table: $0) }
    public var name: String { Self.kind.name }
    public let table: ProjectionTable

    public init(table: ProjectionTable) { self.table = table }

    public func apply(_ events: [RecordedEvent], connection: PostgresConnection, logger: Logger) async throws {
        for recorded in events where recorded.stream.hasPrefix("wallet-") {
            guard let shopperId = UUID(uuidString: String(recorded.stream.dropFirst("wallet-".count))) else { continue }
            var binds = PostgresBindings()
            let sql: String
            switch recorded.type {
            case ChargeAccrued.eventType:
                guard let accrued = try? recorded.data.decode(as: ChargeAccrued.self) else { continue }
                sql = """
                    INSERT INTO \(table) (shopper_id, merchant_id, currency, oldest_at, newest_at) VALUES ($1, $2, $3, $4, $4)
                    ON CONFLICT (shopper_id, merchant_id, currency) DO UPDATE
                      SET newest_at = greatest(\(table).newest_at, EXCLUDED.newest_at), oldest_at = least(\(table).oldest_at, EXCLUDED.oldest_at)
                    """
                binds.append(shopperId); binds.append(accrued.merchantId); binds.append(accrued.currency.code); binds.append(accrued.at)
            case SettlementStatement.eventType:
                guard let statement = try? recorded.data.decode(as: SettlementStatement.self),
                      let covered = statement.lines.map(\.at).max() else { continue }
                sql = "DELETE FROM \(table) WHERE shopper_id = $1 AND merchant_id = $2 AND currency = $3 AND newest_at <= $4"
                binds.append(shopperId); binds.append(statement.merchantId); binds.append(statement.currency.code); binds.append(covered)
            default:
                continue
            }
            _ = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        }
    }
}
