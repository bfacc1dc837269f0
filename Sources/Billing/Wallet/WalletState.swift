import Domain
import Foundation

/// A wallet folded from its `wallet-<shopperId>` stream: the ledger of its entries
/// (balances, holds, the posting ids already applied), the calls already given a credit
/// limit, and the newest entries for the shopper's statement. Which shopper's wallet it is
/// comes from the stream's name, so queries take the shopper id.
public struct WalletState: Sendable {
    /// Entries kept for the statement, newest last.
    public static let recentEntriesKept = 50

    public internal(set) var ledger = Ledger()
    public internal(set) var recent: [LedgerEntry] = []
    public internal(set) var creditLimitedCalls: Set<UUID> = []
    /// Small charges waiting for their period's settlement, by merchant and currency.
    public internal(set) var accrued: [AccrualKey: [SettlementStatement.Line]] = [:]

    /// Whose accrued charges: one merchant, one currency.
    public struct AccrualKey: Hashable, Sendable {
        public let merchantId: String
        public let currency: Currency
    }

    public init() {}

    public func balanceMicros(of shopperId: UUID, _ currency: Currency) -> Int64 {
        ledger.balance(of: .shopperWallet(shopperId: shopperId), currency: currency)
    }

    public func availableMicros(of shopperId: UUID, _ currency: Currency) -> Int64 {
        ledger.available(of: .shopperWallet(shopperId: shopperId), currency: currency)
    }

    /// The hold a call placed on this wallet, if any.
    public func hold(ofCall callId: UUID) -> LedgerHold? { ledger.hold(Wallet.holdId(callId)) }

    /// The currencies the shopper's wallet has held, in code order.
    public func currencies(of shopperId: UUID) -> [Currency] {
        let account = LedgerAccount.shopperWallet(shopperId: shopperId)
        return ledger.balances().filter { $0.account == account }.map(\.currency).sorted { $0.code < $1.code }
    }
}
