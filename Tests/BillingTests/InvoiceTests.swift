@testable import Billing
import Domain
import Foundation
import Testing

@Suite("Invoices")
struct InvoiceTests {
    let eur = Fixture.eur
    let period = try! InvoicePeriod(year: 2026, month: 11)
    let calls = [
        UsageRecord(callId: UUID(uuidString: "00000000-0000-4000-8000-00000000000C")!, billableSeconds: 61, amountMicros: 130_000),
        UsageRecord(callId: UUID(uuidString: "00000000-0000-4000-8000-00000000000A")!, billableSeconds: 30, amountMicros: 100_000),
        UsageRecord(callId: UUID(uuidString: "00000000-0000-4000-8000-00000000000B")!, billableSeconds: 0, amountMicros: 0),
    ]

    @Test func usageBelowTheCommitmentGetsATopUpLine() throws {
        let invoice = try Invoice(merchantId: "demo", period: period, usage: calls, commitmentMicros: 1_000_000, currency: eur)
        #expect(invoice.lines == [
            InvoiceLine(kind: .usage, text: "Calls in 2026-11", callCount: 3, billableSeconds: 91, billableMinutes: 2, amountMicros: 230_000),
            InvoiceLine(kind: .minimumCommitment, text: "Minimum monthly commitment of 1.00 EUR", callCount: 0, billableSeconds: 0,
                        billableMinutes: 0, amountMicros: 770_000),
        ])
        #expect(invoice.totalMicros == 1_000_000)
        #expect(invoice.invoiceId == "invoice:demo:2026-11")
    }

    @Test func usageAtOrAboveTheCommitmentIsTheTotal() throws {
        let at = try Invoice(merchantId: "demo", period: period, usage: calls, commitmentMicros: 230_000, currency: eur)
        #expect(at.lines.map(\.kind) == [.usage])
        #expect(at.totalMicros == 230_000)
        let above = try Invoice(merchantId: "demo", period: period, usage: calls, commitmentMicros: 0, currency: eur)
        #expect(above.totalMicros == 230_000)
    }

    @Test func aMonthWithoutCallsOwesTheCommitment() throws {
        let invoice = try Invoice(merchantId: "demo", period: period, usage: [], commitmentMicros: 500_000, currency: eur)
        #expect(invoice.lines.map(\.amountMicros) == [0, 500_000])
        #expect(invoice.totalMicros == 500_000)
    }

    @Test func theSameCallsInAnyOrderGiveTheSameInvoice() throws {
        let first = try Invoice(merchantId: "demo", period: period, usage: calls, commitmentMicros: 0, currency: eur)
        let second = try Invoice(merchantId: "demo", period: period, usage: calls.reversed(), commitmentMicros: 0, currency: eur)
        #expect(first == second)
        #expect(first.calls.map(\.callId.uuidString.last) == ["A", "B", "C"])
    }

    @Test func badInputIsRefused() throws {
        #expect(throws: LedgerError.self) { try InvoicePeriod(year: 2026, month: 13) }
        #expect(throws: LedgerError.self) { try InvoicePeriod(year: 1999, month: 1) }
        let twice = calls + [calls[0]]
        #expect(throws: LedgerError.invalid("call \(calls[0].callId) appears twice: a call is billed once")) {
            try Invoice(merchantId: "demo", period: period, usage: twice, commitmentMicros: 0, currency: eur)
        }
        #expect(throws: LedgerError.self) {
            try Invoice(merchantId: "demo", period: period, usage: [UsageRecord(callId: UUID(), billableSeconds: 1, amountMicros: -1)],
                        commitmentMicros: 0, currency: eur)
        }
        #expect(throws: LedgerError.self) { try Invoice(merchantId: "demo", period: period, usage: [], commitmentMicros: -1, currency: eur) }
        #expect(throws: LedgerError.self) { try Invoice(merchantId: "Demo Shop", period: period, usage: [], commitmentMicros: 0, currency: eur) }
        #expect(throws: LedgerError.overflow("the invoice total")) {
            try Invoice(merchantId: "demo", period: period,
                        usage: [UsageRecord(callId: UUID(), billableSeconds: 1, amountMicros: .max), UsageRecord(callId: UUID(), billableSeconds: 1, amountMicros: 1)],
                        commitmentMicros: 0, currency: eur)
        }
    }

    @Test func periodsOrderByMonth() throws {
        #expect(try InvoicePeriod(year: 2026, month: 2) < InvoicePeriod(year: 2026, month: 11))
        #expect(try InvoicePeriod(year: 2026, month: 2).description == "2026-02")
    }
}
