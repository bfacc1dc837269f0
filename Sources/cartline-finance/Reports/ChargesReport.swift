import Foundation
import Billing
import Domain

/// Every ledger entry recorded in the window: holds, posts, voids, expiries and transfers,
/// with who paid, why, and how much; grouped (sorted) by the chosen key, then in log order.
enum ChargesReport {
    static func table(_ state: FinanceState, by: GroupBy) -> ReportTable {
        let rows: [(key: String, position: Int64, cells: [Cell])] = state.postings.map { posting in
            let call = posting.entry.callId.flatMap { state.calls[$0] }
            let key = by.key(call: call, merchantFallback: posting.merchantInLegs, recordedAt: posting.recordedAt)
            let payer = call?.payer ?? posting.fromAccount?.description ?? "-"
            let legs = posting.legs.map { "\($0.debit)>\($0.credit) \(Amount.text(micros: $0.amountMicros, currency: posting.entry.currency))" }
            return (key, posting.position, [
                .text(key), .text(Timestamp.text(posting.recordedAt)), .integer(posting.position), .text(posting.entry.postingId),
                .text(posting.entry.eventType), .text(posting.entry.callId.map { $0.uuidString.lowercased() } ?? "-"),
                .text(payer), .text(posting.reasonText),
                .number(Amount.text(micros: posting.amountMicros, currency: posting.entry.currency)), .text(posting.entry.currency.code),
                .text(legs.joined(separator: "; ")),
            ])
        }
        return ReportTable(
            title: "Charges by \(by.rawValue)",
            columns: [by.rawValue, "recorded_at", "position", "posting_id", "type", "call_id", "payer", "reason", "amount", "currency", "legs"],
            rows: rows.sorted { ($0.key, $0.position) < ($1.key, $1.position) }.map(\.cells))
    }
}
