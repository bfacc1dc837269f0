import Domain
import Foundation

extension ChargePlan {
    /// Where a hold for this plan's calls posts to: the merchant's share goes to the
    /// merchant (the fee follows in the same post), an ASP charge goes straight to revenue.
    public var holdCounterparty: LedgerAccount {
        switch payer {
        case .shopper, .sponsor: .merchantReceivable(merchantId: merchantId)
        case .merchant: .platformRevenue
        }
    }

    /// The hold placed before a call, sized by `CallMetering.expectedCostMicros`.
    public func holdPlaced(postingId: String, holdId: String, callId: UUID, amountMicros: Int64, currency: Currency,
                           expiresAt: Date, at: Date) -> HoldPlaced {
        HoldPlaced(postingId: postingId, holdId: holdId, callId: callId, currency: currency, account: payingAccount,
                   counterparty: holdCounterparty, amountMicros: amountMicros, expiresAt: expiresAt, at: at)
    }

    /// Posts a hold for the metered charge: the charge moves to `holdCounterparty`, the
    /// platform fee out of it in the same step (so the result equals `legs(chargeMicros:)`),
    /// and the rest of the hold is released. A charge of 0 releases the whole hold.
    public func holdPosted(postingId: String, holdId: String, callId: UUID, chargeMicros: Int64, currency: Currency,
                           at: Date) throws(LedgerError) -> HoldPosted {
        var feeLegs: [PostingLeg] = []
        switch payer {
        case .merchant:
            guard chargeMicros >= 0 else { throw .invalid("a charge must not be negative, got \(chargeMicros) micros") }
        case .shopper, .sponsor:
            let split = try ChargeSplit(chargeMicros: chargeMicros, platformFeeBasisPoints: platformFeeBasisPoints)
            if split.platformFeeMicros > 0 {
                feeLegs.append(PostingLeg(debit: holdCounterparty, credit: .platformRevenue, amountMicros: split.platformFeeMicros))
            }
        }
        return HoldPosted(postingId: postingId, holdId: holdId, callId: callId, currency: currency, amountMicros: chargeMicros,
                          legs: feeLegs, at: at)
    }
}
