import Domain
import Foundation

/// A merchant's monthly ASP invoice was issued, as stored in `invoices-<merchantId>`: the
/// lines and total of `Invoice` for one month, once (its event id derives from the
/// merchant and the month).
public struct InvoiceIssued: EventPayload, Hashable {
    public static let eventType = "InvoiceIssued"
    public let invoiceId: String
    public let merchantId: String
    /// `2026-11`.
    public let period: String
    public let currency: Currency
    public let lines: [InvoiceLine]
    public let callCount: Int
    public let totalMicros: Int64
    public let at: Date

    public init(_ invoice: Invoice, at: Date) {
        self.invoiceId = invoice.invoiceId
        self.merchantId = invoice.merchantId
        self.period = invoice.period.description
        self.currency = invoice.currency
        self.lines = invoice.lines
        self.callCount = invoice.calls.count
        self.totalMicros = invoice.totalMicros
        self.at = at
    }
}
