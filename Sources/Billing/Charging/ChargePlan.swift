import Domain
import Foundation

/// Who pays for a call and the legs its metered charge becomes, with the platform fee split:
/// - shopper pays: wallet → merchant receivable (merchant share) and → platform revenue (fee);
/// - merchant pays (ASP): merchant receivable → platform revenue (the whole charge);
/// - sponsor pays: sponsor → platform revenue (fee) and → merchant receivable (merchant share).
/// Legs of 0 are left out (the ledger refuses them); the legs always sum to the charge.
public struct ChargePlan: Hashable, Sendable {
    public enum Payer: Hashable, Sendable, Codable {
        case shopper
        case merchant
        case sponsor(String)

        /// The payer a merchant's `CallPricing` names.
        public init(_ payer: CallPricing.Payer) {
            switch payer {
            case .shopper: self = .shopper
            case .merchant: self = .merchant
            }
        }
    }

    public let payer: Payer
    public let shopperId: UUID
    public let merchantId: String
    public let platformFeeBasisPoints: Int

    public init(payer: Payer, shopperId: UUID, merchantId: String, platformFeeBasisPoints: Int) throws(LedgerError) {
        try LedgerAccount.checkPartyId(merchantId, role: "merchant")
        if case .sponsor(let sponsorId) = payer { try LedgerAccount.checkPartyId(sponsorId, role: "sponsor") }
        guard (0...10_000).contains(platformFeeBasisPoints) else {
            throw .invalid("platformFeeBasisPoints must be 0…10000, got \(platformFeeBasisPoints)")
        }
        self.payer = payer; self.shopperId = shopperId; self.merchantId = merchantId
        self.platformFeeBasisPoints = platformFeeBasisPoints
    }

    /// Why the money moves, by payer.
    public var reason: PostingReason {
        switch payer {
        case .shopper: .callCharge
        case .merchant: .aspUsage
        case .sponsor: .sponsorCharge
        }
    }

    /// The account the charge is taken from.
    public var payingAccount: LedgerAccount {
        switch payer {
        case .shopper: .shopperWallet(shopperId: shopperId)
        case .merchant: .merchantReceivable(merchantId: merchantId)
        case .sponsor(let sponsorId): .sponsor(sponsorId: sponsorId)
        }
    }

    /// The legs for a charge of `chargeMicros` (none for 0).
    public func legs(chargeMicros: Int64) throws(LedgerError) -> [PostingLeg] {
        let merchant = LedgerAccount.merchantReceivable(merchantId: merchantId)
        switch payer {
        case .merchant:
            guard chargeMicros >= 0 else { throw .invalid("a charge must not be negative, got \(chargeMicros) micros") }
            guard chargeMicros > 0 else { return [] }
            return [PostingLeg(debit: merchant, credit: .platformRevenue, amountMicros: chargeMicros)]
        case .shopper, .sponsor:
            let split = try ChargeSplit(chargeMicros: chargeMicros, platformFeeBasisPoints: platformFeeBasisPoints)
            var legs: [PostingLeg] = []
            if split.merchantShareMicros > 0 {
                legs.append(PostingLeg(debit: payingAccount, credit: merchant, amountMicros: split.merchantShareMicros))
            }
            if split.platformFeeMicros > 0 {
                legs.append(PostingLeg(debit: payingAccount, credit: .platformRevenue, amountMicros: split.platformFeeMicros))
            }
            return legs
        }
    }

    /// The posting a finished call produces, or nil when it costs nothing. `postingId` is
    /// derived by the caller from the `CallEnded` event, so a retry posts nothing twice.
    public func posting(postingId: String, callId: UUID, chargeMicros: Int64, currency: Currency, at: Date) throws(LedgerError) -> FundsTransferred? {
        let legs = try legs(chargeMicros: chargeMicros)
        guard !legs.isEmpty else { return nil }
        return FundsTransferred(postingId: postingId, callId: callId, currency: currency, legs: legs, reason: reason, at: at)
    }
}
