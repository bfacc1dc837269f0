import Domain
import Foundation

/// The decisions about a shopper's prepaid wallet (pure; time passed in). Each returns the
/// events to append to the wallet's stream — nothing when the fact is already there, so a
/// retried or replayed cause appends nothing twice — and refuses (typed) what would break
/// the ledger's rules. The wallet never goes below zero: a call's charge is capped by the
/// hold placed when the customer answered, and the hold by what the wallet had.
public enum Wallet {
    /// The most one top-up may add, in micros (1,000 currency units).
    public static let maxTopUpMicros: Int64 = 1_000 * Money.microsPerUnit
    /// The longest conversation a hold pays for (the telephony node's own cap is an hour too).
    public static let maxTalkSeconds: Int64 = 3_600
    /// A hold lapses this long after it was placed: long after any call it covers has ended.
    public static let holdLifetimeSeconds: Double = 2 * 3_600
    /// Small charges kept waiting per merchant and currency; beyond, each is settled at once.
    public static let maxAccruedCharges = 10_000

    /// The id of the hold a call places; posting and voiding name it.
    public static func holdId(_ callId: UUID) -> String { "call-hold:\(callId.uuidString.lowercased())" }

    public static func evolve(_ state: WalletState, _ event: WalletEvent) -> WalletState {
        var state = state
        switch event {
        case .creditLimited(let limit):
            state.creditLimitedCalls.insert(limit.callId)
        case .chargeAccrued(let accrued):
            let line = SettlementStatement.Line(callId: accrued.callId, chargeMicros: accrued.chargeMicros,
                                                platformFeeMicros: accrued.platformFeeMicros, at: accrued.at)
            state.accrued[WalletState.AccrualKey(merchantId: accrued.merchantId, currency: accrued.currency), default: []].append(line)
        case .settlementStated(let statement):
            let key = WalletState.AccrualKey(merchantId: statement.merchantId, currency: statement.currency)
            let settled = Set(statement.lines.map(\.callId))
            let left = (state.accrued[key] ?? []).filter { !settled.contains($0.callId) }
            state.accrued[key] = left.isEmpty ? nil : left
        default:
            guard let entry = event.ledgerEntry else { return state }
            // Stored entries were decided on this very fold, at their own time; one that no
            // longer applies (a duplicate written by an older build) changes nothing.
            guard (try? state.ledger.apply(entry, now: entry.at)) != nil else { return state }
            state.recent.append(entry)
            if state.recent.count > WalletState.recentEntriesKept { state.recent.removeFirst(state.recent.count - WalletState.recentEntriesKept) }
        }
        return state
    }

    /// Adds `amountMicros` to the shopper's wallet from the settlement account (the payment
    /// taken outside Cartline). `postingId` derives from the request, so a retry adds nothing.
    public static func topUp(shopperId: UUID, postingId: String, amountMicros: Int64, currency: Currency,
                             state: WalletState, now: Date) throws(LedgerError) -> [WalletEvent] {
        guard !state.ledger.hasApplied(postingId: postingId) else { return [] }
        guard (1...maxTopUpMicros).contains(amountMicros) else {
            throw .invalid("a top-up must be 1…\(maxTopUpMicros) micros (up to 1,000 \(currency)), not \(amountMicros)")
        }
        let transfer = FundsTransferred(postingId: postingId, callId: nil, currency: currency,
                                        legs: [PostingLeg(debit: .settlement, credit: .shopperWallet(shopperId: shopperId), amountMicros: amountMicros)],
                                        reason: .topUp, at: now)
        return try checked([.transferred(transfer)], on: state, now: now)
    }

    /// The customer answered a call the shopper pays for: hold what the call may cost (up to
    /// `maxTalkSeconds`), or all the wallet has if less, and tell the node how many seconds
    /// of conversation that pays for. Billing counts a started second whole and the node
    /// stops just after the limit, so the limit keeps one second in hand.
    public static func holdForCall(_ callId: UUID, shopperId: UUID, merchantId: String, terms: ChargeTerms,
                                   state: WalletState, now: Date) throws(LedgerError) -> [WalletEvent] {
        guard state.hold(ofCall: callId) == nil, !state.creditLimitedCalls.contains(callId) else { return [] }
        let metering = try Self.metering(terms)
        let available = max(0, state.availableMicros(of: shopperId, terms.currency))
        let amount = min(available, try metering.expectedCostMicros(for: maxTalkSeconds))
        let affordable = metering.affordableSeconds(availableMicros: amount, capSeconds: maxTalkSeconds)
        var events: [WalletEvent] = []
        if amount > 0 {
            let plan = try ChargePlan(payer: .shopper, shopperId: shopperId, merchantId: merchantId,
                                      platformFeeBasisPoints: terms.platformFeeBasisPoints)
            // With a settlement threshold the hold posts into the shopper's accrued charges at
            // the merchant; a charge at or above the threshold is passed on in the same post.
            let counterparty = terms.aggregatesSmallCharges
                ? try LedgerAccount.accrued(shopperId: shopperId, merchantId: merchantId) : plan.holdCounterparty
            events.append(.holdPlaced(HoldPlaced(postingId: "hold:\(callId.uuidString.lowercased())", holdId: holdId(callId), callId: callId,
                                                 currency: terms.currency, account: plan.payingAccount, counterparty: counterparty,
                                                 amountMicros: amount, expiresAt: now.addingTimeInterval(holdLifetimeSeconds), at: now)))
        }
        events.append(.creditLimited(CallCreditLimited(callId: callId, talkSeconds: max(0, affordable - 1), at: now)))
        return try checked(events, on: state, now: now)
    }

    /// The call ended after `billableMilliseconds` of conversation: post its metered charge
    /// from the hold (never more than was held) and release the rest. Nothing when the call
    /// placed no hold (the wallet was empty: the node ended it at the bridge) or it is settled.
    public static func settleCall(_ callId: UUID, billableMilliseconds: Int64, shopperId: UUID, merchantId: String,
                                  terms: ChargeTerms, state: WalletState, now: Date) throws(LedgerError) -> [WalletEvent] {
        guard let hold = state.hold(ofCall: callId), hold.isPending else { return [] }
        guard now < hold.expiresAt else {
            return try checked([.holdExpired(HoldExpired(postingId: "expire:\(hold.holdId)", holdId: hold.holdId, callId: callId,
                                                         currency: hold.currency, at: now))], on: state, now: now)
        }
        let charge = min(try metering(terms).charge(billableMilliseconds: billableMilliseconds).totalMicros, hold.amountMicros)
        let postingId = "charge:\(callId.uuidString.lowercased())"
        if case .accruedCharges = hold.counterparty {
            return try checked(try postIntoAccrual(hold, callId: callId, chargeMicros: charge, merchantId: merchantId, terms: terms,
                                                   postingId: postingId, state: state, now: now), on: state, now: now)
        }
        let plan = try ChargePlan(payer: .shopper, shopperId: shopperId, merchantId: merchantId,
                                  platformFeeBasisPoints: terms.platformFeeBasisPoints)
        let posted = try plan.holdPosted(postingId: postingId, holdId: hold.holdId, callId: callId,
                                         chargeMicros: charge, currency: hold.currency, at: now)
        return try checked([.holdPosted(posted)], on: state, now: now)
    }

    /// A call whose hold posts into the shopper's accrued charges: a charge below the threshold
    /// stays there for the period's settlement (`ChargeAccrued`); one at or above it (or when
    /// too many wait) is passed on to the merchant and the platform in the same post.
    private static func postIntoAccrual(_ hold: LedgerHold, callId: UUID, chargeMicros: Int64, merchantId: String, terms: ChargeTerms,
                                        postingId: String, state: WalletState, now: Date) throws(LedgerError) -> [WalletEvent] {
        let split = try ChargeSplit(chargeMicros: chargeMicros, platformFeeBasisPoints: terms.platformFeeBasisPoints)
        let key = WalletState.AccrualKey(merchantId: merchantId, currency: hold.currency)
        let waiting = state.accrued[key]?.count ?? 0
        if chargeMicros > 0, chargeMicros < (terms.settlementThresholdMicros ?? 0), waiting < maxAccruedCharges {
            return [
                .holdPosted(HoldPosted(postingId: postingId, holdId: hold.holdId, callId: callId, currency: hold.currency,
                                       amountMicros: chargeMicros, at: now)),
                .chargeAccrued(ChargeAccrued(callId: callId, merchantId: merchantId, currency: hold.currency, chargeMicros: chargeMicros,
                                             platformFeeMicros: split.platformFeeMicros, at: now)),
            ]
        }
        var legs: [PostingLeg] = []
        let merchant = try LedgerAccount.checkedMerchant(merchantId)
        if split.merchantShareMicros > 0 { legs.append(PostingLeg(debit: hold.counterparty, credit: merchant, amountMicros: split.merchantShareMicros)) }
        if split.platformFeeMicros > 0 { legs.append(PostingLeg(debit: hold.counterparty, credit: .platformRevenue, amountMicros: split.platformFeeMicros)) }
        return [.holdPosted(HoldPosted(postingId: postingId, holdId: hold.holdId, callId: callId, currency: hold.currency,
                                       amountMicros: chargeMicros, legs: legs, at: now))]
    }

    /// Settles the shopper's small charges accrued before the end of `period`: per merchant
    /// and currency, one posting from the accrued account to the merchant (its share) and the
    /// platform (the fees), with the itemised statement. Nothing twice: the posting id names
    /// the shopper, merchant, currency and period.
    public static func settleAccruals(shopperId: UUID, period: String, periodEnd: Date, state: WalletState, now: Date) throws(LedgerError) -> [WalletEvent] {
        var events: [WalletEvent] = []
        for (key, lines) in state.accrued.sorted(by: { ($0.key.merchantId, $0.key.currency.code) < ($1.key.merchantId, $1.key.currency.code) }) {
            let due = lines.filter { $0.at < periodEnd }
            guard !due.isEmpty else { continue }
            let postingId = "settlement:\(shopperId.uuidString.lowercased()):\(key.merchantId):\(key.currency.code):\(period)"
            guard !state.ledger.hasApplied(postingId: postingId) else { continue }
            var total: Int64 = 0, fee: Int64 = 0
            for line in due {
                let (nextTotal, totalOverflow) = total.addingReportingOverflow(line.chargeMicros)
                let (nextFee, feeOverflow) = fee.addingReportingOverflow(line.platformFeeMicros)
                guard !totalOverflow, !feeOverflow else { throw .overflow("the settlement of \(period)") }
                total = nextTotal; fee = nextFee
            }
            let accrued = try LedgerAccount.accrued(shopperId: shopperId, merchantId: key.merchantId)
            var legs: [PostingLeg] = []
            if total - fee > 0 { legs.append(PostingLeg(debit: accrued, credit: try .checkedMerchant(key.merchantId), amountMicros: total - fee)) }
            if fee > 0 { legs.append(PostingLeg(debit: accrued, credit: .platformRevenue, amountMicros: fee)) }
            if !legs.isEmpty {
                events.append(.transferred(FundsTransferred(postingId: postingId, callId: nil, currency: key.currency, legs: legs,
                                                            reason: .settlement, at: now)))
            }
            events.append(.settlementStated(SettlementStatement(postingId: postingId, shopperId: shopperId, merchantId: key.merchantId,
                                                                period: period, currency: key.currency, lines: due, totalMicros: total,
                                                                platformFeeMicros: fee, merchantShareMicros: total - fee, at: now)))
        }
        return try checked(events, on: state, now: now)
    }

    /// The call never became a conversation (or was cut off before it could be metered):
    /// release its hold in full.
    public static func releaseCall(_ callId: UUID, reason: String, state: WalletState, now: Date) throws(LedgerError) -> [WalletEvent] {
        guard let hold = state.hold(ofCall: callId), hold.isPending else { return [] }
        let voided = HoldVoided(postingId: "void:\(hold.holdId)", holdId: hold.holdId, callId: callId, currency: hold.currency,
                                reason: reason, at: now)
        return try checked([.holdVoided(voided)], on: state, now: now)
    }

    /// Holds past their expiry (their call never reported an end): each lapses, releasing its amount.
    public static func expireHolds(state: WalletState, now: Date) throws(LedgerError) -> [WalletEvent] {
        try checked(state.ledger.expireHolds(now: now).map { .holdExpired($0) }, on: state, now: now)
    }

    /// The metering of a call's terms.
    public static func metering(_ terms: ChargeTerms) throws(LedgerError) -> CallMetering {
        let pricing: CallPricing
        do {
            pricing = try CallPricing(payer: .shopper, perMinuteMicros: terms.perMinuteMicros, billingIncrementSeconds: terms.billingIncrementSeconds,
                                      setupFeeMicros: terms.setupFeeMicros, minimumChargeMicros: terms.minimumChargeMicros)
        } catch {
            throw .invalid("the call's charge terms are invalid: \(error)")
        }
        return try CallMetering(pricing: pricing, minimumChargeMicros: terms.minimumChargeMicros)
    }

    /// The events, once each applies on a copy of the ledger: a decision never returns what
    /// the fold would refuse.
    static func checked(_ events: [WalletEvent], on state: WalletState, now: Date) throws(LedgerError) -> [WalletEvent] {
        var ledger = state.ledger
        for event in events { if let entry = event.ledgerEntry { try ledger.apply(entry, now: now) } }
        return events
    }
}
