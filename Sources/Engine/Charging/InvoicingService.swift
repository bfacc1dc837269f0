import Billing
import Domain
import EventLog
import Foundation
import PostgresNIO

/// Merchants' ASP usage and monthly invoices. Usage is what `call_charges` holds for calls the
/// merchant paid; an invoice is issued once per merchant and month (`invoices-<merchantId>`,
/// its event id derived from both), only for a month that is over, with the merchant's
/// minimum commitment as it stands when issued.
public struct InvoicingService: Sendable {
    /// Most invoices listed for one merchant.
    public static let maxInvoicesListed = 120

    let store: AggregateStore
    let merchants: MerchantDirectory
    let clock: any WallClock

    public init(store: AggregateStore, merchants: MerchantDirectory, clock: any WallClock) {
        self.store = store
        self.merchants = merchants
        self.clock = clock
    }

    /// The merchant's ASP usage in `period`, as an invoice would show it (not issued).
    public func usage(merchantId: String, period: InvoicePeriod) async throws -> Invoice {
        guard let merchant = try await merchants.versioned(merchantId).state else { throw DomainError.notFound("no merchant \(merchantId)") }
        let records = try await usageRecords(merchantId: merchantId, period: period)
        return try Invoice(merchantId: merchantId, period: period, usage: records,
                           commitmentMicros: merchant.profile.pricing.monthlyCommitmentMicros, currency: merchant.profile.currency)
    }

    /// Issues the merchant's invoice for `period` (a month that is over); issuing it again
    /// answers the invoice issued the first time.
    public func issue(merchantId: String, period: InvoicePeriod) async throws -> InvoiceIssued {
        let now = clock.now()
        guard period.interval.end <= now else { throw DomainError.rejected("\(period) is not over yet: invoice it from \(period.interval.end.formatted(.iso8601)) on") }
        if let issued = try await invoices(merchantId: merchantId).first(where: { $0.period == period.description }) { return issued }
        let issued = InvoiceIssued(try await usage(merchantId: merchantId, period: period), at: now)
        let event = NewEvent(id: EventIDs.uuid(hashing: issued.invoiceId), type: InvoiceIssued.eventType, data: try JSONPayload(encoding: issued))
        do {
            _ = try await store.log.append(to: try .invoices(merchantId), [event], expected: .any)
        } catch EventLogError.eventIdConflict {
            // Issued meanwhile by another process: that one stands.
        }
        return try await invoices(merchantId: merchantId).first(where: { $0.period == period.description }) ?? issued
    }

    /// The merchant's issued invoices, newest month first.
    public func invoices(merchantId: String) async throws -> [InvoiceIssued] {
        let recorded = try await store.log.read(stream: try .invoices(merchantId), limit: Self.maxInvoicesListed)
        return recorded.compactMap { try? $0.data.decode(as: InvoiceIssued.self) }.sorted { $0.period > $1.period }
    }

    private func usageRecords(merchantId: String, period: InvoicePeriod) async throws -> [UsageRecord] {
        let (start, end) = period.interval
        let log = store.log
        let client = log.client
        let logger = log.logger
        return try await log.run("merchant usage") {
            let rows = try await client.query("""
                SELECT call_id, COALESCE(billable_ms, 0), charged_micros FROM call_charges
                WHERE merchant_id = \(merchantId) AND payer = 'merchant' AND charged_at >= \(start) AND charged_at < \(end)
                ORDER BY call_id LIMIT \(Invoice.maxCalls)
                """, logger: logger)
            var records: [UsageRecord] = []
            for try await (callId, milliseconds, micros) in rows.decode((UUID, Int64, Int64).self) {
                records.append(UsageRecord(callId: callId, billableSeconds: (milliseconds + 999) / 1_000, amountMicros: micros))
            }
            return records
        }
    }
}
