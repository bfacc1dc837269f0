import Billing
import Domain
import EventLog
import Foundation
import PostgresNIO

/// What the merchant console reads beside the services: the conversion of the merchant's
/// carts against the holdout group, and its spending by day. Both are one bounded query.
public struct MerchantReports: Sendable {
    /// Newest carts of a merchant looked at for one conversion report.
    public static let maxCartsScanned = 20_000
    /// Longest window of one report.
    public static let maxWindowDays = 366

    let log: EventLog

    public init(log: EventLog) { self.log = log }

    /// The merchant's carts that entered a group (their first offer or holdout evaluation)
    /// in `[from, to)`, converted when checked out before `to`. Carts are found through the
    /// `shopper_carts` read model and each cart's engagement and cart streams (by stream id).
    public func conversion(merchantId: String, from: Date, to: Date) async throws -> MerchantConversion {
        let client = log.client
        let logger = log.logger
        let limit = Self.maxCartsScanned
        let (rows, scanned): ([(offered: Bool, holdout: Bool, checkout: Money?)], Int) = try await log.run("merchant conversion") {
            let found = try await client.query("""
                SELECT g.offered, g.holdout, k.total::text, c.n
                FROM (SELECT cart_id, count(*) OVER () AS n FROM shopper_carts WHERE merchant_id = \(merchantId)
                      ORDER BY opened_position DESC LIMIT \(limit)) c
                CROSS JOIN LATERAL (
                  SELECT min(e.recorded_at) FILTER (WHERE e.event_type = 'CallOffered' OR e.data->'decision'->'reasons' ? 'holdout') AS entered_at,
                         bool_or(e.event_type = 'CallOffered') AS offered,
                         bool_or(e.event_type = 'EngagementEvaluated' AND e.data->'decision'->'reasons' ? 'holdout') AS holdout
                  FROM events e
                  WHERE e.stream_id = 'engagement-' || c.cart_id::text AND e.event_type IN ('EngagementEvaluated', 'CallOffered')) g
                LEFT JOIN LATERAL (
                  SELECT e.data->'total' AS total FROM events e
                  WHERE e.stream_id = 'cart-' || c.cart_id::text AND e.event_type = 'CheckoutCompleted' AND e.recorded_at < \(to)
                  ORDER BY e.stream_version LIMIT 1) k ON true
                WHERE g.entered_at >= \(from) AND g.entered_at < \(to)
                """, logger: logger)
            var carts: [(offered: Bool, holdout: Bool, checkout: Money?)] = []
            var total = 0
            let decoder = JSONDecoder()
            for try await (offered, holdout, checkout, count) in found.decode((Bool, Bool, String?, Int).self) {
                let money = checkout.flatMap { try? decoder.decode(Money.self, from: Data($0.utf8)) }
                carts.append((offered: offered, holdout: holdout, checkout: money))
                total = count
            }
            return (carts, total)
        }
        let (offered, holdout) = ConversionGroup.split(rows)
        let uplift = Uplift(converted: offered.converted, of: offered.carts, versus: holdout.converted, of: holdout.carts)
        return MerchantConversion(merchantId: merchantId, from: from, to: to, offered: offered, holdout: holdout, uplift: uplift,
                                  truncated: scanned > limit)
    }

    /// What the merchant paid for calls per UTC day in `[from, to)` (`call_charges`), oldest first.
    public func spendingByDay(merchantId: String, from: Date, to: Date) async throws -> [MerchantSpendingDay] {
        let client = log.client
        let logger = log.logger
        let maxDays = Self.maxWindowDays
        return try await log.run("merchant spending by day") {
            let rows = try await client.query("""
                SELECT to_char(charged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::bigint, COALESCE(sum(charged_micros), 0)::bigint
                FROM call_charges
                WHERE merchant_id = \(merchantId) AND payer = 'merchant' AND charged_at >= \(from) AND charged_at < \(to)
                GROUP BY 1 ORDER BY 1 LIMIT \(maxDays)
                """, logger: logger)
            var days: [MerchantSpendingDay] = []
            for try await (day, count, micros) in rows.decode((String, Int, Int64).self) {
                days.append(MerchantSpendingDay(day: day, callCount: count, amountMicros: micros))
            }
            return days
        }
    }
}
