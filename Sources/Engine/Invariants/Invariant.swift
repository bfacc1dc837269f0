/// One property the log and the read models must keep, as `cartline check-invariants`
/// names it (the raw value is the stable name printed and matched by tests).
public enum Invariant: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Every `OfferAccepted` led to exactly one `CallRequested` (same call id) in a call stream.
    case acceptedOfferHasOneCall = "accepted-offer-one-call"
    /// Every `CallRequested` has at most one outcome (`CallEnded` or `CallFailed`), and
    /// every outcome names a requested call.
    case callHasOneOutcome = "call-one-outcome"
    /// No call is still open (no outcome yet): expected once the system is quiet.
    case noOpenCalls = "no-open-calls"
    /// Each currency's balances sum to zero, and no posting in the log moves money unevenly.
    case debitsEqualCredits = "debits-equal-credits"
    /// No shopper wallet (or other account that may not go negative) is below zero.
    case walletsNonNegative = "wallets-non-negative"
    /// Every call that ended with billable time and charge terms has its charging posting.
    case billableCallCharged = "billable-call-charged"
    /// Every ledger entry that names a call names one requested in the log.
    case postingNamesCall = "posting-names-call"
    /// No call has more than one charging posting standing.
    case callChargedOnce = "call-charged-once"
    /// Every other ledger entry applies (known hold, not a redelivered posting id …).
    case ledgerEntryApplies = "ledger-entry-applies"
    /// Every event the checker reads decodes.
    case eventsDecode = "events-decode"
    /// Every projection's table equals a rebuild of it from position zero.
    case projectionEqualsRebuild = "projection-equals-rebuild"

    public var description: String { rawValue }
}
