@testable import Billing
import Domain
import Foundation

/// Shared values for the billing tests: currencies, accounts, and entry builders.
enum Fixture {
    static let eur = try! Currency("EUR")
    static let usd = try! Currency("USD")
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let shopper = UUID(uuidString: "6F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9")!
    static let wallet = LedgerAccount.shopperWallet(shopperId: shopper)
    static let merchant = LedgerAccount.merchantReceivable(merchantId: "demo")
    static let callId = UUID(uuidString: "00000000-0000-4000-8000-000000000001")!

    static func topUp(_ id: String, _ amountMicros: Int64, to account: LedgerAccount = wallet, currency: Currency = eur) -> LedgerEntry {
        .transferred(FundsTransferred(postingId: id, callId: nil, currency: currency,
                                      legs: [PostingLeg(debit: .settlement, credit: account, amountMicros: amountMicros)],
                                      reason: .topUp, at: now))
    }

    static func transfer(_ id: String, _ legs: [PostingLeg], reason: PostingReason = .callCharge, callId: UUID? = callId,
                         currency: Currency = eur) -> LedgerEntry {
        .transferred(FundsTransferred(postingId: id, callId: callId, currency: currency, legs: legs, reason: reason, at: now))
    }

    static func place(_ holdId: String, _ amountMicros: Int64, account: LedgerAccount = wallet, counterparty: LedgerAccount = merchant,
                      expiresIn seconds: TimeInterval = 600, currency: Currency = eur, callId: UUID? = callId) -> LedgerEntry {
        .holdPlaced(HoldPlaced(postingId: "place:\(holdId)", holdId: holdId, callId: callId, currency: currency, account: account,
                               counterparty: counterparty, amountMicros: amountMicros, expiresAt: now.addingTimeInterval(seconds), at: now))
    }

    static func post(_ holdId: String, _ amountMicros: Int64, legs: [PostingLeg] = [], postingId: String? = nil,
                     currency: Currency = eur) -> LedgerEntry {
        .holdPosted(HoldPosted(postingId: postingId ?? "post:\(holdId)", holdId: holdId, callId: callId, currency: currency,
                               amountMicros: amountMicros, legs: legs, at: now))
    }

    static func void(_ holdId: String, postingId: String? = nil, reason: String = "call-failed", currency: Currency = eur) -> LedgerEntry {
        .holdVoided(HoldVoided(postingId: postingId ?? "void:\(holdId)", holdId: holdId, callId: callId, currency: currency,
                               reason: reason, at: now))
    }

    static func expire(_ holdId: String, postingId: String? = nil, currency: Currency = eur) -> LedgerEntry {
        .holdExpired(HoldExpired(postingId: postingId ?? HoldExpired.postingId(forHold: holdId), holdId: holdId, callId: callId,
                                 currency: currency, at: now))
    }

    /// A ledger after applying `entries` at `now`.
    static func ledger(_ entries: [LedgerEntry], limits: LedgerLimits = .standard) throws(LedgerError) -> Ledger {
        var ledger = Ledger(limits: limits)
        for entry in entries { try ledger.apply(entry, now: now) }
        return ledger
    }

    static func pricing(perMinuteMicros: Int64, incrementSeconds: Int = 1, setupFeeMicros: Int64 = 0,
                        payer: CallPricing.Payer = .shopper) -> CallPricing {
        try! CallPricing(payer: payer, perMinuteMicros: perMinuteMicros, billingIncrementSeconds: incrementSeconds, setupFeeMicros: setupFeeMicros)
    }
}
