import Domain
import Foundation

extension Ledger {
    /// Credits minus debits of `account` in `currency`; 0 for an account never used.
    public func balance(of account: LedgerAccount, currency: Currency) -> Int64 {
        balancesMicros[BalanceKey(account: account, currency: currency)] ?? 0
    }

    /// The sum of the pending holds on `account` in `currency`.
    public func held(of account: LedgerAccount, currency: Currency) -> Int64 {
        heldMicros[BalanceKey(account: account, currency: currency)] ?? 0
    }

    /// Balance minus pending holds: what new charges and holds may take (clamped to the
    /// `Int64` range for an account that may go negative).
    public func available(of account: LedgerAccount, currency: Currency) -> Int64 {
        Self.clamped(Int128(balance(of: account, currency: currency)) - Int128(held(of: account, currency: currency)))
    }

    /// The holds still pending, ordered by hold id.
    public var pendingHolds: [LedgerHold] {
        pendingHoldIds.compactMap { holds[$0] }.sorted { $0.holdId < $1.holdId }
    }

    /// A hold in any state, or nil if it was never placed.
    public func hold(_ holdId: String) -> LedgerHold? { holds[holdId] }

    /// Whether an entry with this posting id was applied.
    public func hasApplied(postingId: String) -> Bool { seenPostingIds.contains(postingId) }

    /// How many entries were applied (the posting ids remembered for idempotency).
    public var postingCount: Int { seenPostingIds.count }

    /// The entries applied for one call, in the order they were applied.
    public func postings(ofCall callId: UUID) -> [LedgerEntry] { entriesByCall[callId] ?? [] }

    /// Every non-zero balance or hold total, ordered by account then currency.
    public func balances() -> [AccountBalance] {
        Set(balancesMicros.keys).union(heldMicros.keys)
            .map { AccountBalance(account: $0.account, currency: $0.currency, balanceMicros: balancesMicros[$0] ?? 0, heldMicros: heldMicros[$0] ?? 0) }
            .filter { $0.balanceMicros != 0 || $0.heldMicros != 0 }
            .sorted { ($0.account.description, $0.currency.code) < ($1.account.description, $1.currency.code) }
    }

    /// The double-entry check a reconciler runs: for each currency the balances of all
    /// accounts sum to zero. Returns the currencies where they do not (empty when sound).
    public func debitsEqualCredits() -> [LedgerDiscrepancy] {
        var sums: [Currency: Int128] = [:]
        for (key, micros) in balancesMicros { sums[key.currency, default: 0] += Int128(micros) }
        return sums.filter { $0.value != 0 }
            .map { LedgerDiscrepancy(currency: $0.key, sumMicros: $0.value) }
            .sorted { $0.currency.code < $1.currency.code }
    }
}
