import Domain

/// Calls requested in the window, per group and currency: how many, answered, failed,
/// billable time and what they were charged (as of the window's end).
enum CallsReport {
    static let columns = ["calls", "answered", "failed", "billable_seconds", "billable_minutes", "charged"]

    private struct Totals {
        var calls: Int64 = 0, answered: Int64 = 0, failed: Int64 = 0, billableSeconds: Int64 = 0, chargedMicros: Int64 = 0
    }

    static func table(_ state: FinanceState, by: GroupBy) -> ReportTable {
        var totals: [String: [String: Totals]] = [:]
        var currencies: [String: Currency] = [:]
        for call in state.calls.values where state.window.contains(call.requestedAt) {
            let group = by.key(call: call, recordedAt: call.requestedAt)
            let currency = call.charge?.currency.code ?? "-"
            if let terms = call.charge { currencies[currency] = terms.currency }
            var total = totals[group, default: [:]][currency, default: Totals()]
            total.calls += 1
            if call.outcome == .answered || call.outcome == .ended { total.answered += 1 }
            if call.outcome == .failed { total.failed += 1 }
            total.billableSeconds += call.billableSeconds
            total.chargedMicros &+= state.charging(of: call).chargedMicros
            totals[group, default: [:]][currency] = total
        }
        var rows: [[Cell]] = []
        for group in totals.keys.sorted() {
            for (currency, total) in (totals[group] ?? [:]).sorted(by: { $0.key < $1.key }) {
                rows.append([.text(group), .text(currency), .integer(total.calls), .integer(total.answered), .integer(total.failed),
                             .integer(total.billableSeconds), .number(minutes(total.billableSeconds)),
                             .number(Amount.text(micros: total.chargedMicros, currency: currencies[currency]))])
            }
        }
        return ReportTable(title: "Calls by \(by.rawValue)", columns: [by.rawValue, "currency"] + columns, rows: rows)
    }

    /// Seconds as minutes with two decimals, rounded half up, in integers.
    static func minutes(_ seconds: Int64) -> String {
        let hundredths = (seconds * 100 + 30) / 60
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
