@testable import Billing
import Domain
import Foundation
import Testing

@Suite("Charge plans")
struct ChargePlanTests {
    let eur = Fixture.eur
    let wallet = Fixture.wallet
    let merchant = Fixture.merchant
    let sponsor = LedgerAccount.sponsor(sponsorId: "acme")

    func plan(_ payer: ChargePlan.Payer, basisPoints: Int = 1_000) throws -> ChargePlan {
        try ChargePlan(payer: payer, shopperId: Fixture.shopper, merchantId: "demo", platformFeeBasisPoints: basisPoints)
    }

    @Test func theShopperPaysTheMerchantShareAndThePlatformFee() throws {
        #expect(try plan(.shopper).legs(chargeMicros: 1_000_000) == [
            PostingLeg(debit: wallet, credit: merchant, amountMicros: 900_000),
            PostingLeg(debit: wallet, credit: .platformRevenue, amountMicros: 100_000),
        ])
        #expect(try plan(.shopper).reason == .callCharge)
    }

    @Test func theMerchantPaysTheWholeChargeToThePlatform() throws {
        #expect(try plan(.merchant).legs(chargeMicros: 1_000_000) == [PostingLeg(debit: merchant, credit: .platformRevenue, amountMicros: 1_000_000)])
        #expect(try plan(.merchant).reason == .aspUsage)
        #expect(ChargePlan.Payer(CallPricing.Payer.merchant) == .merchant)
        #expect(ChargePlan.Payer(CallPricing.Payer.shopper) == .shopper)
    }

    @Test func aSponsorPaysTheFeeAndTheMerchantShare() throws {
        #expect(try plan(.sponsor("acme")).legs(chargeMicros: 1_000_000) == [
            PostingLeg(debit: sponsor, credit: merchant, amountMicros: 900_000),
            PostingLeg(debit: sponsor, credit: .platformRevenue, amountMicros: 100_000),
        ])
        #expect(try plan(.sponsor("acme")).reason == .sponsorCharge)
    }

    /// fee = charge × basis points / 10_000, remainder rounded half up; share = the rest.
    @Test(arguments: [
        (Int64(1_234), 250, Int64(31)),  // 30.85 → 31
        (25_000, 2, 5),  // exact
        (5_000, 1, 1),  // 0.5 exactly → 1 (half up)
        (4_999, 1, 0),  // 0.4999 → 0
        (15_000, 1, 2),  // 1.5 → 2
        (1_000_000, 0, 0),
        (1_000_000, 10_000, 1_000_000),
        (Int64.max, 10_000, Int64.max),
    ])
    func theFeeIsRoundedHalfUpAndTheShareIsTheRest(chargeMicros: Int64, basisPoints: Int, feeMicros: Int64) throws {
        let split = try ChargeSplit(chargeMicros: chargeMicros, platformFeeBasisPoints: basisPoints)
        #expect(split.platformFeeMicros == feeMicros)
        #expect(split.merchantShareMicros == chargeMicros - feeMicros)
    }

    @Test func zeroLegsAreLeftOut() throws {
        #expect(try plan(.shopper, basisPoints: 0).legs(chargeMicros: 10) == [PostingLeg(debit: wallet, credit: merchant, amountMicros: 10)])
        #expect(try plan(.shopper, basisPoints: 10_000).legs(chargeMicros: 10) == [PostingLeg(debit: wallet, credit: .platformRevenue, amountMicros: 10)])
        #expect(try plan(.shopper).legs(chargeMicros: 0).isEmpty)
        #expect(try plan(.merchant).legs(chargeMicros: 0).isEmpty)
        #expect(try plan(.shopper).posting(postingId: "p", callId: Fixture.callId, chargeMicros: 0, currency: eur, at: Fixture.now) == nil)
    }

    @Test func badInputsAreRefused() throws {
        #expect(throws: LedgerError.invalid("platformFeeBasisPoints must be 0…10000, got 10001")) { try plan(.shopper, basisPoints: 10_001) }
        #expect(throws: LedgerError.self) { try plan(.shopper, basisPoints: -1) }
        #expect(throws: LedgerError.self) { try plan(.sponsor("Bad Sponsor")) }
        #expect(throws: LedgerError.self) { try ChargePlan(payer: .shopper, shopperId: Fixture.shopper, merchantId: "", platformFeeBasisPoints: 0) }
        #expect(throws: LedgerError.self) { try plan(.shopper).legs(chargeMicros: -1) }
        #expect(throws: LedgerError.self) { try plan(.merchant).legs(chargeMicros: -1) }
    }

    @Test func legsAlwaysSumToTheCharge() throws {
        var random = SplitMix64(seed: 0xC4A2_6E00)
        let payers: [ChargePlan.Payer] = [.shopper, .merchant, .sponsor("acme")]
        for round in 0..<2_000 {
            let payer = payers[round % payers.count]
            let basisPoints = Int.random(in: 0...10_000, using: &random)
            let charge = round.isMultiple(of: 7) ? Int64.random(in: 0...Int64.max, using: &random) : Int64.random(in: 0...10_000_000, using: &random)
            let legs = try plan(payer, basisPoints: basisPoints).legs(chargeMicros: charge)
            let sum = legs.reduce(Int128(0)) { $0 + Int128($1.amountMicros) }
            let context: Comment = "seed 0xC4A26E00 round \(round): \(payer) \(basisPoints) bp of \(charge)"
            #expect(sum == Int128(charge), context)
            #expect(legs.allSatisfy { $0.amountMicros > 0 }, context)
        }
    }

    @Test func aPostingAppliesAndBalances() throws {
        let posting = try #require(try plan(.shopper).posting(postingId: "charge:c1", callId: Fixture.callId, chargeMicros: 400_000,
                                                               currency: eur, at: Fixture.now))
        let ledger = try Fixture.ledger([Fixture.topUp("t1", 1_000_000), .transferred(posting)])
        #expect(ledger.balance(of: wallet, currency: eur) == 600_000)
        #expect(ledger.balance(of: merchant, currency: eur) == 360_000)
        #expect(ledger.balance(of: .platformRevenue, currency: eur) == 40_000)
    }

    @Test(arguments: [ChargePlan.Payer.shopper, .merchant, .sponsor("acme")])
    func chargingThroughAHoldEndsLikeChargingDirectly(payer: ChargePlan.Payer) throws {
        let plan = try plan(payer, basisPoints: 1_250)
        let charge: Int64 = 123_457
        let direct = try Fixture.ledger([
            Fixture.topUp("t1", 1_000_000),
            .transferred(try #require(try plan.posting(postingId: "charge", callId: Fixture.callId, chargeMicros: charge, currency: eur, at: Fixture.now))),
        ])
        let held = try Fixture.ledger([
            Fixture.topUp("t1", 1_000_000),
            .holdPlaced(plan.holdPlaced(postingId: "place", holdId: "h1", callId: Fixture.callId, amountMicros: 500_000, currency: eur,
                                        expiresAt: Fixture.now.addingTimeInterval(600), at: Fixture.now)),
            .holdPosted(try plan.holdPosted(postingId: "post", holdId: "h1", callId: Fixture.callId, chargeMicros: charge, currency: eur, at: Fixture.now)),
        ])
        #expect(held.balances() == direct.balances())
        #expect(held.pendingHolds.isEmpty)
    }
}
