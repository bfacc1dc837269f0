import Billing
import Domain
import EventLog
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Charging's clock-driven steps:
/// - every `holdSweepSeconds`, holds past their expiry (their call's end was never
///   reported) lapse, giving the shopper their money back (`HoldExpired`);
/// - every `invoiceSweepSeconds`, each merchant who pays for calls gets the invoice of the
///   month just ended, once (`InvoiceIssued`, its id derived from merchant and month), and
///   each shopper's small charges of that month are settled in one posting per merchant,
///   with an itemised statement (`SettlementStatement`).
/// Safe in several processes at once: wallet changes are conditional on the stream's
/// version and an invoice's id is derived.
public final class ChargingClock: Service, Sendable {
    static let holdSweepSeconds = 60.0
    static let invoiceSweepSeconds = 3_600.0
    /// Wallets whose holds lapse in one sweep; the rest wait for the next.
    static let maxWalletsPerSweep = 500

    let store: AggregateStore
    let invoicing: InvoicingService
    let merchants: MerchantDirectory
    let clock: any WallClock
    let logger: Logger

    public init(store: AggregateStore, merchants: MerchantDirectory, clock: any WallClock, logger: Logger) {
        self.store = store
        self.merchants = merchants
        self.invoicing = InvoicingService(store: store, merchants: merchants, clock: clock)
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        var lastInvoiceSweep: ContinuousClock.Instant?
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                _ = try await expireHolds()
                if lastInvoiceSweep.map({ ContinuousClock.now - $0 >= .seconds(Self.invoiceSweepSeconds) }) ?? true {
                    lastInvoiceSweep = ContinuousClock.now
                    _ = try await issueLastMonthsInvoices()
                    _ = try await settleLastMonthsAccruals()
                }
            } catch {
                logger.warning("charging clock step failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(Self.holdSweepSeconds)) }
        }
    }

    /// Lapses every overdue hold of up to `maxWalletsPerSweep` wallets; returns how many lapsed.
    @discardableResult
    public func expireHolds() async throws -> Int {
        let now = clock.now()
        let shoppers = try await shopperIds("find overdue holds", """
            SELECT DISTINCT shopper_id FROM pending_holds WHERE expires_at <= \(now) LIMIT \(Self.maxWalletsPerSweep)
            """)
        var lapsed = 0
        for shopperId in shoppers {
            var expired = 0
            try await store.execute(WalletAggregate.self, .wallet(shopperId)) { state in
                let events = try Wallet.expireHolds(state: state, now: now)
                expired = events.count
                return events
            }
            lapsed += expired
        }
        return lapsed
    }

    /// Settles, per shopper, merchant and currency, the small charges accrued before this
    /// month began (one posting and an itemised statement each); returns how many wallets.
    @discardableResult
    public func settleLastMonthsAccruals() async throws -> Int {
        let now = clock.now()
        guard let current = InvoicePeriod.containing(now),
              let last = InvoicePeriod.containing(current.interval.start.addingTimeInterval(-1)) else { return 0 }
        let periodEnd = current.interval.start
        let shoppers = try await shopperIds("find accrued charges", """
            SELECT DISTINCT shopper_id FROM settlement_accruals WHERE oldest_at < \(periodEnd) LIMIT \(Self.maxWalletsPerSweep)
            """)
        for shopperId in shoppers {
            try await store.execute(WalletAggregate.self, .wallet(shopperId)) { state in
                try Wallet.settleAccruals(shopperId: shopperId, period: last.description, periodEnd: periodEnd, state: state, now: now)
            }
        }
        return shoppers.count
    }

    /// The shopper ids `query` selects (one `shopper_id` column): the wallets a sweep visits.
    private func shopperIds(_ operation: String, _ query: PostgresQuery) async throws -> [UUID] {
        let log = store.log
        let client = log.client
        let logger = self.logger
        return try await log.run(operation) {
            var found: [UUID] = []
            for try await shopperId in try await client.query(query, logger: logger).decode(UUID.self) { found.append(shopperId) }
            return found
        }
    }

    /// Issues last month's invoice for every live merchant who pays for its calls.
    @discardableResult
    public func issueLastMonthsInvoices() async throws -> Int {
        let now = clock.now()
        guard let current = InvoicePeriod.containing(now),
              let last = InvoicePeriod.containing(current.interval.start.addingTimeInterval(-1)) else { return 0 }
        var issued = 0
        for merchant in try await merchants.live() where merchant.profile.pricing.payer == .merchant {
            // A month with no calls and no commitment owes nothing: no invoice to send.
            guard try await invoicing.usage(merchantId: merchant.id, period: last).totalMicros > 0 else { continue }
            _ = try await invoicing.issue(merchantId: merchant.id, period: last)
            issued += 1
        }
        return issued
    }
}
