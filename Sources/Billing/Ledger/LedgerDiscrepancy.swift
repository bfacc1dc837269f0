import Domain

/// A currency whose balances do not sum to zero: debits and credits disagree, which a
/// correct ledger never shows. Reported by `Ledger.debitsEqualCredits()` for a reconciler.
public struct LedgerDiscrepancy: Hashable, Sendable, CustomStringConvertible {
    public let currency: Currency
    /// The sum of every account's balance in `currency` (128 bits: the sum of many `Int64`s).
    public let sumMicros: Int128

    public var description: String { "balances in \(currency) sum to \(sumMicros) micros, not 0" }
}
