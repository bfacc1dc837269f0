import Domain

/// What happens to one shopper's prepaid wallet, as stored in its `wallet-<shopperId>`
/// stream: top-ups (transfers from the settlement account), the holds calls place on it and
/// how each ended, and the credit limit each hold gives its call. The stream is the wallet's
/// consistency boundary: every decision that could take the wallet below zero is made on its
/// fold and appended at the version it read.
public enum WalletEvent: Equatable, Sendable {
    case transferred(FundsTransferred)
    case holdPlaced(HoldPlaced)
    case holdPosted(HoldPosted)
    case holdVoided(HoldVoided)
    case holdExpired(HoldExpired)
    case creditLimited(CallCreditLimited)
    case chargeAccrued(ChargeAccrued)
    case settlementStated(SettlementStatement)

    /// The ledger entry inside, if this is one.
    public var ledgerEntry: LedgerEntry? {
        switch self {
        case .transferred(let event): .transferred(event)
        case .holdPlaced(let event): .holdPlaced(event)
        case .holdPosted(let event): .holdPosted(event)
        case .holdVoided(let event): .holdVoided(event)
        case .holdExpired(let event): .holdExpired(event)
        case .creditLimited, .chargeAccrued, .settlementStated: nil
        }
    }
}
