import Billing
import Domain
import Foundation

/// One ledger entry that applied, with the money it moved, for the charges and revenue reports.
struct PostingRecord: Sendable {
    let position: Int64
    let recordedAt: Date
    let entry: LedgerEntry
    /// What the entry moved or reserved (a hold's amount for holds, voids and expiries).
    let amountMicros: Int64
    /// The balance movements it made, the implied leg of a posted hold included.
    let legs: [PostingLeg]
    /// The account the money came from (a hold's account, a transfer's first debit).
    let fromAccount: LedgerAccount?

    /// Net change of `account` from this entry's legs.
    func delta(of matches: (LedgerAccount) -> Bool) -> Int64 {
        legs.reduce(0) { sum, leg in
            sum + (matches(leg.credit) ? leg.amountMicros : 0) - (matches(leg.debit) ? leg.amountMicros : 0)
        }
    }

    /// `callCharge`, `aspUsage`, `topUp`…, `hold`, `holdPosted`, `void:<why>`, `expired`.
    var reasonText: String {
        switch entry {
        case .transferred(let transfer): transfer.reason.rawValue
        case .holdPlaced: "hold"
        case .holdPosted: "holdPosted"
        case .holdVoided(let voided): "void:\(voided.reason)"
        case .holdExpired: "expired"
        }
    }

    /// The merchant whose receivable the entry touches, if any.
    var merchantInLegs: String? {
        for leg in legs {
            for account in [leg.debit, leg.credit] {
                if case .merchantReceivable(let merchantId) = account { return merchantId }
            }
        }
        return nil
    }
}
