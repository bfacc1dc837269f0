import Billing
import Domain
import EventLog
import Foundation
import Logging
import PostgresNIO

/// `call_charges`: every billed call (one whose `CallRequested` carries charge terms) with who
/// pays, its billable time and what was charged for it. Merchants' usage and monthly ASP
/// invoices read it by merchant and time; the postings themselves stay in the log.
public struct CallChargesProjection: Projection {
    public static let kind = ProjectionKind(name: "call_charges") { CallChargesProjection(table: $0) }
    public var name: String { Self.kind.name }
    public let table: ProjectionTable

    public init(table: ProjectionTable) { self.table = table }

    public func apply(_ events: [RecordedEvent], connection: PostgresConnection, logger: Logger) async throws {
        for recorded in events {
            var binds = PostgresBindings()
            let sql: String
            switch recorded.type {
            case CallRequested.eventType where recorded.stream.hasPrefix("call-"):
                guard let request = try? recorded.data.decode(as: CallRequested.self), let terms = request.charge else { continue }
                sql = """
                    INSERT INTO \(table) (call_id, merchant_id, payer, currency) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (call_id) DO UPDATE SET merchant_id = EXCLUDED.merchant_id, payer = EXCLUDED.payer, currency = EXCLUDED.currency
                    """
                binds.append(request.callId); binds.append(request.merchantId); binds.append(terms.payer.description); binds.append(terms.currency.code)
            case CallEnded.eventType where recorded.stream.hasPrefix("call-"):
                guard let ended = try? recorded.data.decode(as: CallEnded.self) else { continue }
                sql = "UPDATE \(table) SET billable_ms = $2, ended_at = $3 WHERE call_id = $1"
                binds.append(ended.callId); binds.append(ended.billableMilliseconds); binds.append(ended.at)
            case HoldPosted.eventType:
                guard let posted = try? recorded.data.decode(as: HoldPosted.self), let callId = posted.callId else { continue }
                sql = "UPDATE \(table) SET charged_micros = $2, charged_at = $3 WHERE call_id = $1"
                binds.append(callId); binds.append(posted.amountMicros); binds.append(posted.at)
            case FundsTransferred.eventType:
                guard let transfer = try? recorded.data.decode(as: FundsTransferred.self), let callId = transfer.callId,
                      transfer.reason == .aspUsage || transfer.reason == .sponsorCharge else { continue }
                sql = "UPDATE \(table) SET charged_micros = $2, charged_at = $3 WHERE call_id = $1"
                binds.append(callId); binds.append(transfer.legs.reduce(Int64(0)) { $0 + $1.amountMicros }); binds.append(transfer.at)
            default:
                continue
            }
            _ = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        }
    }
}
