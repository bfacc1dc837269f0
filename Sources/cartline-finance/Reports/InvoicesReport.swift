import Domain

/// The `InvoiceIssued` events recorded in the window (none until Billing issues invoices).
enum InvoicesReport {
    static func table(_ state: FinanceState) -> ReportTable {
        let rows = state.invoices
            .sorted { ($0.invoice.merchantId, $0.invoice.period, $0.recordedAt) < ($1.invoice.merchantId, $1.invoice.period, $1.recordedAt) }
            .map { recordedAt, invoice -> [Cell] in
                let currency = try? Currency(invoice.currency)
                return [.text(invoice.merchantId), .text(invoice.period), .text(invoice.currency),
                        .number(Amount.text(micros: invoice.totalMicros, currency: currency)), .integer(Int64(invoice.lineCount)),
                        .text(Timestamp.text(recordedAt))]
            }
        return ReportTable(title: "Invoices issued", columns: ["merchant", "period", "currency", "total", "lines", "recorded_at"], rows: rows,
                           notes: rows.isEmpty ? ["no InvoiceIssued events in this range"] : [])
    }
}
