import Billing
import Domain
import Foundation

/// What each call was charged, read from the ledger entries that name it.
extension FinanceState {
    /// The account a call's terms make pay, or nil for a call without terms.
    func payingAccount(of call: CallRecord) -> LedgerAccount? {
        switch call.charge?.payer {
        case .shopper: .shopperWallet(shopperId: call.shopperId)
        case .merchant: .merchantReceivable(merchantId: call.merchantId)
        case .sponsor(let sponsorId): .sponsor(sponsorId: sponsorId)
        case nil: nil
        }
    }

    /// Net micros taken from the paying account by the call's postings (a reversal gives
    /// back), and how many charging postings stand (posts and transfers, minus reversals).
    func charging(of call: CallRecord) -> (chargedMicros: Int64, chargingPostings: Int) {
        var charged: Int64 = 0
        var count = 0
        for entry in ledger.postings(ofCall: call.callId) {
            let hold: LedgerHold? = if case .holdPosted(let posted) = entry { ledger.hold(posted.holdId) } else { nil }
            let record = Self.record(entry, hold: hold, event: StoredEvent(position: 0, transactionId: 0, stream: "", version: 0,
                                                                           type: entry.eventType, data: "", recordedAt: entry.at))
            switch entry {
            case .transferred(let transfer):
                if transfer.reason == .reversal { count -= 1 } else if transfer.reason != .topUp, transfer.reason != .settlement { count += 1 }
            case .holdPosted: count += 1
            case .holdPlaced, .holdVoided, .holdExpired: continue
            }
            let payer = payingAccount(of: call) ?? record.fromAccount
            charged &-= record.delta { $0 == payer }
        }
        return (charged, count)
    }
}
