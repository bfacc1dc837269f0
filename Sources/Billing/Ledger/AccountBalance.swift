import Domain

/// One account's balance in one currency, for reports.
public struct AccountBalance: Hashable, Sendable {
    public let account: LedgerAccount
    public let currency: Currency
    public let balanceMicros: Int64
    public let heldMicros: Int64
}
