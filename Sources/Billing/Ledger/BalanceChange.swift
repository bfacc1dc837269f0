import Domain

/// The balance and hold deltas one entry makes, gathered before anything is written so an
/// entry is checked as a whole (a wallet paying two legs is checked against their sum).
struct BalanceChange {
    var balanceDeltas: [Ledger.BalanceKey: Int64] = [:]
    var heldDeltas: [Ledger.BalanceKey: Int64] = [:]

    /// Balance is credits minus debits: the debit account loses the amount.
    mutating func move(_ leg: PostingLeg, currency: Currency) throws(LedgerError) {
        try add(-leg.amountMicros, to: &balanceDeltas, Ledger.BalanceKey(account: leg.debit, currency: currency))
        try add(leg.amountMicros, to: &balanceDeltas, Ledger.BalanceKey(account: leg.credit, currency: currency))
    }

    mutating func hold(_ deltaMicros: Int64, of account: LedgerAccount, currency: Currency) throws(LedgerError) {
        try add(deltaMicros, to: &heldDeltas, Ledger.BalanceKey(account: account, currency: currency))
    }

    private func add(_ deltaMicros: Int64, to deltas: inout [Ledger.BalanceKey: Int64], _ key: Ledger.BalanceKey) throws(LedgerError) {
        let (sum, overflow) = (deltas[key] ?? 0).addingReportingOverflow(deltaMicros)
        guard !overflow else { throw .overflow("the amounts of one posting on \(key.account)") }
        deltas[key] = sum
    }
}
