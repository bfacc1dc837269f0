import Domain
import Foundation

/// A merchant's ASP invoice for one month: a usage line over its calls, and a
/// minimum-commitment line when usage fell short of the commitment. Deterministic: the
/// same input, in any order, gives the same invoice (calls are sorted by call id).
public struct Invoice: Hashable, Sendable, Codable {
    /// Calls one invoice accepts; far above a month of one merchant's calls.
    public static let maxCalls = 1_000_000

    public let merchantId: String
    public let period: InvoicePeriod
    public let currency: Currency
    public let lines: [InvoiceLine]
    /// The calls behind the usage line, ordered by call id (lowercase string form).
    public let calls: [UsageRecord]
    public let totalMicros: Int64

    /// `invoice:<merchant>:<yyyy-mm>`: one invoice per merchant and month.
    public var invoiceId: String { "invoice:\(merchantId):\(period)" }

    public init(merchantId: String, period: InvoicePeriod, usage: [UsageRecord], commitmentMicros: Int64,
                currency: Currency) throws(LedgerError) {
        try LedgerAccount.checkPartyId(merchantId, role: "merchant")
        guard usage.count <= Self.maxCalls else { throw .invalid("an invoice covers at most \(Self.maxCalls) calls, got \(usage.count)") }
        guard commitmentMicros >= 0 else { throw .invalid("a commitment must not be negative, got \(commitmentMicros) micros") }
        var seen = Set<UUID>()
        var seconds: Int64 = 0
        var amount: Int64 = 0
        for record in usage {
            guard record.billableSeconds >= 0, record.amountMicros >= 0 else {
                throw .invalid("call \(record.callId): seconds and amount must not be negative")
            }
            guard seen.insert(record.callId).inserted else { throw .invalid("call \(record.callId) appears twice: a call is billed once") }
            let (nextSeconds, secondsOverflow) = seconds.addingReportingOverflow(record.billableSeconds)
            let (nextAmount, amountOverflow) = amount.addingReportingOverflow(record.amountMicros)
            guard !secondsOverflow, !amountOverflow else { throw .overflow("the invoice total") }
            seconds = nextSeconds
            amount = nextAmount
        }
        let minutes = seconds / 60 + (seconds % 60 > 0 ? 1 : 0)
        var lines = [InvoiceLine(kind: .usage, text: "Calls in \(period)", callCount: usage.count, billableSeconds: seconds,
                                 billableMinutes: minutes, amountMicros: amount)]
        var total = amount
        if amount < commitmentMicros {
            let shortfall = commitmentMicros - amount
            lines.append(InvoiceLine(kind: .minimumCommitment,
                                     text: "Minimum monthly commitment of \(Money(amountMicros: commitmentMicros, currency: currency))",
                                     callCount: 0, billableSeconds: 0, billableMinutes: 0, amountMicros: shortfall))
            total = commitmentMicros
        }
        self.merchantId = merchantId
        self.period = period
        self.currency = currency
        self.lines = lines
        self.calls = usage.sorted { $0.callId.uuidString < $1.callId.uuidString }
        self.totalMicros = total
    }
}
