import Billing
import Domain

/// One self-contained HTML page: inline CSS, the report's table, and inline SVG charts of
/// revenue by day and conversion offered-vs-holdout. No script and no external resource of
/// any kind, so it reads the same when mailed.
enum HTMLReport {
    static let style = """
        body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:24px;color:#1d2330;background:#fff}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
        .range{color:#555;margin:0 0 16px}
        table{border-collapse:collapse;font-size:13px}
        th,td{border:1px solid #ccd;padding:4px 8px;text-align:left;vertical-align:top}
        th{background:#eef1f6}td.num{text-align:right;font-variant-numeric:tabular-nums}
        tr:nth-child(even) td{background:#f8f9fb}
        .note{color:#555;font-size:13px}
        .chart-title{font-size:14px;font-weight:600;fill:#1d2330}
        .bar-label,.bar-value{font-size:10px;fill:#333}.chart-empty{font-size:13px;fill:#777}
        """

    static func render(_ table: ReportTable, range: RecordedRange, state: FinanceState) -> String {
        var html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        html += "<title>Cartline finance: \(HTMLText.escape(table.title))</title><style>\(style)</style></head><body>\n"
        html += "<h1>Cartline finance: \(HTMLText.escape(table.title))</h1>\n"
        html += "<p class=\"range\">Recorded from \(Timestamp.text(range.from)) to \(Timestamp.text(range.to)) (end excluded)</p>\n"
        html += tableHTML(table)
        html += "<h2>Platform revenue by day</h2>\n"
        for chart in revenueCharts(state) { html += chart.svg + "\n" }
        html += "<h2>Conversion: offered vs holdout</h2>\n"
        html += conversionChart(state).svg + "\n"
        html += "</body></html>\n"
        return html
    }

    private static func tableHTML(_ table: ReportTable) -> String {
        var html = "<table><thead><tr>"
        for column in table.columns { html += "<th>\(HTMLText.escape(column))</th>" }
        html += "</tr></thead><tbody>\n"
        for row in table.rows {
            html += "<tr>"
            for cell in row {
                switch cell {
                case .text(let text): html += "<td>\(HTMLText.escape(text))</td>"
                case .integer, .number: html += "<td class=\"num\">\(HTMLText.escape(cell.plainText))</td>"
                }
            }
            html += "</tr>\n"
        }
        if table.rows.isEmpty { html += "<tr><td colspan=\"\(max(1, table.columns.count))\">nothing in this range</td></tr>\n" }
        html += "</tbody></table>\n"
        for note in table.notes { html += "<p class=\"note\">\(HTMLText.escape(note))</p>\n" }
        return html
    }

    /// One chart per currency (at most four), bars per UTC day.
    private static func revenueCharts(_ state: FinanceState) -> [SVGBarChart] {
        let totals = RevenueReport.totals(state, by: .day)
        let currencies = Set(totals.values.flatMap(\.keys)).sorted { $0.code < $1.code }
        guard !currencies.isEmpty else { return [SVGBarChart(title: "Platform revenue by day", bars: [])] }
        return currencies.prefix(4).map { currency in
            let bars = totals.keys.sorted().compactMap { day -> SVGBarChart.Bar? in
                guard let total = totals[day]?[currency] else { return nil }
                return SVGBarChart.Bar(label: String(day.dropFirst(5)), value: Double(total.platformMicros),
                                       valueText: Amount.text(micros: total.platformMicros, currency: currency))
            }
            return SVGBarChart(title: "Platform revenue by day (\(currency.code))", bars: bars)
        }
    }

    private static func conversionChart(_ state: FinanceState) -> SVGBarChart {
        let (offered, holdout) = ConversionReport.groups(state)
        let bars = [offered, holdout].map { group in
            SVGBarChart.Bar(label: "\(group.name) (n=\(group.carts))", value: group.rate ?? 0,
                            valueText: group.rate.map { Uplift.percentText($0) } ?? "n too small")
        }
        return SVGBarChart(title: "Conversion rate", bars: bars, widthPixels: 420)
    }
}
