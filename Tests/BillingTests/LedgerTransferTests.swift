@testable import Billing
import Domain
import Foundation
import Testing

@Suite("Ledger transfers")
struct LedgerTransferTests {
    let eur = Fixture.eur
    let wallet = Fixture.wallet
    let merchant = Fixture.merchant

    @Test func aTopUpCreditsTheWalletAndDebitsSettlement() throws {
        let ledger = try Fixture.ledger([Fixture.topUp("t1", 5_000_000)])
        #expect(ledger.balance(of: wallet, currency: eur) == 5_000_000)
        #expect(ledger.available(of: wallet, currency: eur) == 5_000_000)
        #expect(ledger.balance(of: .settlement, currency: eur) == -5_000_000)
        #expect(ledger.debitsEqualCredits().isEmpty)
        #expect(ledger.balance(of: wallet, currency: Fixture.usd) == 0)
    }

    @Test func aMultiLegPostingAppliesAllLegs() throws {
        let ledger = try Fixture.ledger([
            Fixture.topUp("t1", 1_000_000),
            Fixture.transfer("c1", [PostingLeg(debit: wallet, credit: merchant, amountMicros: 900_000),
                                    PostingLeg(debit: wallet, credit: .platformRevenue, amountMicros: 100_000)]),
        ])
        #expect(ledger.balance(of: wallet, currency: eur) == 0)
        #expect(ledger.balance(of: merchant, currency: eur) == 900_000)
        #expect(ledger.balance(of: .platformRevenue, currency: eur) == 100_000)
        #expect(ledger.balances().map(\.account.description) == ["merchant:demo", "platform:revenue", "settlement"])
        #expect(ledger.postings(ofCall: Fixture.callId).map(\.postingId) == ["c1"])
    }

    @Test(arguments: [0, -1, Int64.min])
    func nonPositiveAmountsAreRefused(amountMicros: Int64) throws {
        var ledger = try Fixture.ledger([Fixture.topUp("t1", 1_000_000)])
        #expect(throws: LedgerError.invalid("an amount must be above zero, not \(amountMicros) micros")) {
            try ledger.apply(Fixture.transfer("c1", [PostingLeg(debit: wallet, credit: merchant, amountMicros: amountMicros)]), now: Fixture.now)
        }
        #expect(throws: LedgerError.self) { try ledger.apply(Fixture.place("h1", amountMicros), now: Fixture.now) }
        #expect(ledger.balance(of: wallet, currency: eur) == 1_000_000)
    }

    @Test func emptyOrSelfOrTooManyLegsAreRefused() throws {
        var ledger = try Fixture.ledger([Fixture.topUp("t1", 1_000_000)], limits: LedgerLimits(maxLegsPerPosting: 2))
        #expect(throws: LedgerError.invalid("a transfer needs at least one leg")) { try ledger.apply(Fixture.transfer("c1", []), now: Fixture.now) }
        #expect(throws: LedgerError.self) {
            try ledger.apply(Fixture.transfer("c2", [PostingLeg(debit: merchant, credit: merchant, amountMicros: 1)]), now: Fixture.now)
        }
        let leg = PostingLeg(debit: wallet, credit: merchant, amountMicros: 1)
        #expect(throws: LedgerError.invalid("a posting has at most 2 legs, not 3")) {
            try ledger.apply(Fixture.transfer("c3", [leg, leg, leg]), now: Fixture.now)
        }
    }

    @Test func badIdsAndUncheckedAccountsAreRefused() {
        var ledger = Ledger()
        #expect(throws: LedgerError.self) { try ledger.apply(Fixture.topUp("", 1), now: Fixture.now) }
        #expect(throws: LedgerError.self) { try ledger.apply(Fixture.topUp(String(repeating: "x", count: 257), 1), now: Fixture.now) }
        #expect(throws: LedgerError.self) { try ledger.apply(Fixture.topUp("t1", 1, to: .merchantReceivable(merchantId: "Not Valid")), now: Fixture.now) }
        #expect(ledger.postingCount == 0)
    }

    @Test func aWalletNeverGoesBelowZero() throws {
        var ledger = try Fixture.ledger([Fixture.topUp("t1", 1_000_000)])
        #expect(throws: LedgerError.insufficientFunds(account: wallet, currency: eur, availableMicros: 1_000_000, requiredMicros: 1_000_001)) {
            try ledger.apply(Fixture.transfer("c1", [PostingLeg(debit: wallet, credit: merchant, amountMicros: 1_000_001)]), now: Fixture.now)
        }
        // Legs are checked together: two legs that each fit but not both are refused as one.
        #expect(throws: LedgerError.self) {
            try ledger.apply(Fixture.transfer("c2", [PostingLeg(debit: wallet, credit: merchant, amountMicros: 600_000),
                                                     PostingLeg(debit: wallet, credit: .platformRevenue, amountMicros: 600_000)]), now: Fixture.now)
        }
        #expect(ledger.balance(of: wallet, currency: eur) == 1_000_000)
        #expect(ledger.balance(of: merchant, currency: eur) == 0)
        #expect(!ledger.hasApplied(postingId: "c2"))
        // Exactly the balance is fine.
        try ledger.apply(Fixture.transfer("c3", [PostingLeg(debit: wallet, credit: merchant, amountMicros: 1_000_000)]), now: Fixture.now)
        #expect(ledger.balance(of: wallet, currency: eur) == 0)
    }

    @Test func platformRevenueNeverGoesNegativeButOwedAccountsMay() throws {
        var ledger = Ledger()
        #expect(throws: LedgerError.self) {
            try ledger.apply(Fixture.transfer("p1", [PostingLeg(debit: .platformRevenue, credit: .settlement, amountMicros: 1)]), now: Fixture.now)
        }
        try ledger.apply(Fixture.transfer("a1", [PostingLeg(debit: merchant, credit: .platformRevenue, amountMicros: 70_000)], reason: .aspUsage),
                         now: Fixture.now)
        try ledger.apply(Fixture.transfer("s1", [PostingLeg(debit: .sponsor(sponsorId: "acme"), credit: merchant, amountMicros: 5)],
                                          reason: .sponsorCharge), now: Fixture.now)
        try ledger.apply(Fixture.transfer("k1", [PostingLeg(debit: .carrierCost, credit: .settlement, amountMicros: 9)], reason: .settlement),
                         now: Fixture.now)
        #expect(ledger.balance(of: merchant, currency: eur) == -69_995)
        #expect(ledger.balance(of: .sponsor(sponsorId: "acme"), currency: eur) == -5)
        #expect(ledger.balance(of: .carrierCost, currency: eur) == -9)
        #expect(ledger.debitsEqualCredits().isEmpty)
    }

    @Test func aRedeliveryIsReportedAsDuplicateAndChangesNothing() throws {
        var ledger = try Fixture.ledger([Fixture.topUp("t1", 1_000_000)])
        #expect(throws: LedgerError.duplicate(id: "t1")) { try ledger.apply(Fixture.topUp("t1", 1_000_000), now: Fixture.now) }
        // The id decides, whatever the content: ids are derived from the causing event.
        #expect(throws: LedgerError.duplicate(id: "t1")) { try ledger.apply(Fixture.topUp("t1", 7), now: Fixture.now) }
        #expect(ledger.balance(of: wallet, currency: eur) == 1_000_000)
        #expect(ledger.postingCount == 1)
    }

    @Test func amountsOutOfRangeAreRefusedNotWrapped() throws {
        var ledger = try Fixture.ledger([Fixture.topUp("t1", Int64.max)])
        #expect(throws: LedgerError.overflow("the balance of wallet:6f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9 in EUR")) {
            try ledger.apply(Fixture.topUp("t2", 1), now: Fixture.now)
        }
        #expect(throws: LedgerError.self) {
            try ledger.apply(Fixture.transfer("t3", [PostingLeg(debit: .settlement, credit: merchant, amountMicros: Int64.max),
                                                     PostingLeg(debit: .settlement, credit: merchant, amountMicros: Int64.max)]), now: Fixture.now)
        }
        #expect(ledger.balance(of: wallet, currency: eur) == Int64.max)
        #expect(ledger.balance(of: .settlement, currency: eur) == -Int64.max)
    }

    @Test func currenciesAreSeparateBooks() throws {
        var ledger = try Fixture.ledger([Fixture.topUp("t1", 1_000_000)])
        #expect(throws: LedgerError.self) {
            try ledger.apply(Fixture.transfer("c1", [PostingLeg(debit: wallet, credit: merchant, amountMicros: 1)], currency: Fixture.usd),
                             now: Fixture.now)
        }
        try ledger.apply(Fixture.topUp("t2", 3, currency: Fixture.usd), now: Fixture.now)
        #expect(ledger.balance(of: wallet, currency: Fixture.usd) == 3)
        #expect(ledger.balance(of: wallet, currency: eur) == 1_000_000)
    }

    @Test func aReversalSwapsTheLegsOfItsOriginalOnce() throws {
        let charge = FundsTransferred(postingId: "c1", callId: Fixture.callId, currency: eur,
                                      legs: [PostingLeg(debit: wallet, credit: merchant, amountMicros: 400_000)], reason: .callCharge, at: Fixture.now)
        var ledger = try Fixture.ledger([Fixture.topUp("t1", 1_000_000), .transferred(charge)])
        try ledger.apply(.transferred(charge.reversal(postingId: "r1", at: Fixture.now)), now: Fixture.now)
        #expect(ledger.balance(of: wallet, currency: eur) == 1_000_000)
        #expect(ledger.balance(of: merchant, currency: eur) == 0)
        #expect(ledger.postings(ofCall: Fixture.callId).map(\.postingId) == ["c1", "r1"])
        #expect(throws: LedgerError.invalid("posting c1 was already reversed")) {
            try ledger.apply(.transferred(charge.reversal(postingId: "r2", at: Fixture.now)), now: Fixture.now)
        }
    }

    @Test func aReversalMustMirrorAKnownOriginal() throws {
        var ledger = try Fixture.ledger([Fixture.topUp("t1", 1_000_000)])
        func reversal(_ id: String, of original: String?, reason: PostingReason = .reversal, amountMicros: Int64 = 1_000_000) -> LedgerEntry {
            .transferred(FundsTransferred(postingId: id, callId: nil, currency: eur,
                                          legs: [PostingLeg(debit: wallet, credit: .settlement, amountMicros: amountMicros)],
                                          reason: reason, reverses: original, at: Fixture.now))
        }
        #expect(throws: LedgerError.invalid("a reversal must name the posting it reverses")) { try ledger.apply(reversal("r1", of: nil), now: Fixture.now) }
        #expect(throws: LedgerError.invalid("only a posting with reason reversal may reverse another")) {
            try ledger.apply(reversal("r1", of: "t1", reason: .topUp), now: Fixture.now)
        }
        #expect(throws: LedgerError.self) { try ledger.apply(reversal("r1", of: "nope"), now: Fixture.now) }
        #expect(throws: LedgerError.invalid("a reversal of t1 must carry its legs swapped, in the same order")) {
            try ledger.apply(reversal("r1", of: "t1", amountMicros: 999_999), now: Fixture.now)
        }
        try ledger.apply(reversal("r1", of: "t1"), now: Fixture.now)
        #expect(ledger.balance(of: wallet, currency: eur) == 0)
        #expect(throws: LedgerError.self) {
            try ledger.apply(.transferred(FundsTransferred(postingId: "r2", callId: nil, currency: eur,
                                                           legs: [PostingLeg(debit: .settlement, credit: wallet, amountMicros: 1_000_000)],
                                                           reason: .reversal, reverses: "r1", at: Fixture.now)), now: Fixture.now)
        }
    }

    @Test func aReversalThatWouldOverdrawTheWalletIsRefused() throws {
        var ledger = try Fixture.ledger([
            Fixture.topUp("t1", 1_000_000),
            Fixture.transfer("c1", [PostingLeg(debit: wallet, credit: merchant, amountMicros: 600_000)]),
        ])
        let topUp = FundsTransferred(postingId: "t1", callId: nil, currency: eur,
                                     legs: [PostingLeg(debit: .settlement, credit: wallet, amountMicros: 1_000_000)], reason: .topUp, at: Fixture.now)
        #expect(throws: LedgerError.insufficientFunds(account: wallet, currency: eur, availableMicros: 400_000, requiredMicros: 1_000_000)) {
            try ledger.apply(.transferred(topUp.reversal(postingId: "r1", at: Fixture.now)), now: Fixture.now)
        }
    }

    @Test func theReconcilerCheckReportsUnbalancedCurrencies() throws {
        var ledger = try Fixture.ledger([Fixture.topUp("t1", 1_000_000), Fixture.topUp("u1", 5, currency: Fixture.usd)])
        #expect(ledger.debitsEqualCredits().isEmpty)
        // Corrupt the books behind the ledger's back, as a broken replay or storage would.
        ledger.balancesMicros[Ledger.BalanceKey(account: .platformRevenue, currency: eur)] = 42
        #expect(ledger.debitsEqualCredits() == [LedgerDiscrepancy(currency: eur, sumMicros: 42)])
        #expect(ledger.debitsEqualCredits().first?.description == "balances in EUR sum to 42 micros, not 0")
    }

    @Test func thePostingCapacityIsABoundNotACrash() throws {
        var ledger = try Fixture.ledger([Fixture.topUp("t1", 1), Fixture.topUp("t2", 1)], limits: LedgerLimits(maxPostings: 2))
        #expect(throws: LedgerError.capacityReached("the ledger holds its maximum of 2 postings")) { try ledger.apply(Fixture.topUp("t3", 1), now: Fixture.now) }
        var perCall = Ledger(limits: LedgerLimits(maxEntriesPerCall: 1))
        try perCall.apply(Fixture.transfer("a1", [PostingLeg(debit: .settlement, credit: merchant, amountMicros: 1)]), now: Fixture.now)
        #expect(throws: LedgerError.self) {
            try perCall.apply(Fixture.transfer("a2", [PostingLeg(debit: .settlement, credit: merchant, amountMicros: 1)]), now: Fixture.now)
        }
    }

    @Test func entriesRoundTripThroughTheirStoredJSON() throws {
        let entries: [LedgerEntry] = [
            Fixture.transfer("c1", [PostingLeg(debit: wallet, credit: merchant, amountMicros: 3)]), Fixture.place("h1", 5),
            Fixture.post("h1", 4, legs: [PostingLeg(debit: merchant, credit: .platformRevenue, amountMicros: 1)]),
            Fixture.void("h1"), Fixture.expire("h1"),
        ]
        for entry in entries {
            let json = try entry.encodedJSON()
            #expect(try LedgerEntry.decode(eventType: entry.eventType, json: json) == entry)
        }
        #expect(try LedgerEntry.decode(eventType: "CartOpened", json: Data("{}".utf8)) == nil)
        #expect(throws: LedgerError.self) { try LedgerEntry.decode(eventType: "HoldPlaced", json: Data("{\"holdId\":1}".utf8)) }
        #expect(LedgerEntry.eventTypes == ["FundsTransferred", "HoldPlaced", "HoldPosted", "HoldVoided", "HoldExpired"])
    }
}
