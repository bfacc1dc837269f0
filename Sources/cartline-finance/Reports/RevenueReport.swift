import Billing
import Domain

/// Platform revenue and merchant receivable movements of the window, per group and currency
/// (net credits minus debits of `platform:revenue` and of every `merchant:<id>` account).
enum RevenueReport {
    struct Totals {
        var platformMicros: Int64 = 0, merchantMicros: Int64 = 0, postings: Int64 = 0
    }

    static func totals(_ state: FinanceState, by: GroupBy) -> [String: [Currency: Totals]] {
        var totals: [String: [Currency: Totals]] = [:]
        for posting in state.postings where !posting.legs.isEmpty {
            let call = posting.entry.callId.flatMap { state.calls[$0] }
            let key = by.key(call: call, merchantFallback: posting.merchantInLegs, recordedAt: posting.recordedAt)
            var total = totals[key, default: [:]][posting.entry.currency, default: Totals()]
            total.platformMicros &+= posting.delta { $0 == .platformRevenue }
            total.merchantMicros &+= posting.delta { if case .merchantReceivable = $0 { true } else { false } }
            total.postings += 1
            totals[key, default: [:]][posting.entry.currency] = total
        }
        return totals
    }

    static func table(_ state: FinanceState, by: GroupBy) -> ReportTable {
        let totals = totals(state, by: by)
        var rows: [[Cell]] = []
        for key in totals.keys.sorted() {
            for (currency, total) in (totals[key] ?? [:]).sorted(by: { $0.key.code < $1.key.code }) {
                rows.append([.text(key), .text(currency.code), .integer(total.postings),
                             .number(Amount.text(micros: total.platformMicros, currency: currency)),
                             .number(Amount.text(micros: total.merchantMicros, currency: currency))])
            }
        }
        return ReportTable(title: "Revenue by \(by.rawValue)",
                           columns: [by.rawValue, "currency", "postings", "platform_revenue", "merchant_receivable"], rows: rows)
    }
}
