@testable import Billing
import Domain
import Foundation
import Testing

@Suite("Ledger holds")
struct LedgerHoldTests {
    let eur = Fixture.eur
    let wallet = Fixture.wallet
    let merchant = Fixture.merchant
    let now = Fixture.now

    @Test func aHoldReservesFundsWithoutMovingThem() throws {
        let ledger = try Fixture.ledger([Fixture.topUp("t1", 1_000_000), Fixture.place("h1", 300_000)])
        #expect(ledger.balance(of: wallet, currency: eur) == 1_000_000)
        #expect(ledger.held(of: wallet, currency: eur) == 300_000)
        #expect(ledger.available(of: wallet, currency: eur) == 700_000)
        #expect(ledger.pendingHolds.map(\.holdId) == ["h1"])
        #expect(ledger.hold("h1")?.state == .pending)
    }

    @Test func aHoldCountsAgainstTheAvailableBalance() throws {
        var ledger = try Fixture.ledger([Fixture.topUp("t1", 1_000_000), Fixture.place("h1", 700_000)])
        #expect(throws: LedgerError.insufficientFunds(account: wallet, currency: eur, availableMicros: 300_000, requiredMicros: 300_001)) {
            try ledger.apply(Fixture.transfer("c1", [PostingLeg(debit: wallet, credit: merchant, amountMicros: 300_001)]), now: now)
        }
        #expect(throws: LedgerError.insufficientFunds(account: wallet, currency: eur, availableMicros: 300_000, requiredMicros: 400_000)) {
            try ledger.apply(Fixture.place("h2", 400_000), now: now)
        }
        #expect(ledger.hold("h2") == nil)
        try ledger.apply(Fixture.place("h2", 300_000), now: now)
        #expect(ledger.available(of: wallet, currency: eur) == 0)
    }

    @Test func postingPartOfAHoldMovesItAndReleasesTheRest() throws {
        var ledger = try Fixture.ledger([Fixture.topUp("t1", 1_000_000), Fixture.place("h1", 600_000)])
        try ledger.apply(Fixture.post("h1", 250_000, legs: [PostingLeg(debit: merchant, credit: .platformRevenue, amountMicros: 25_000)]), now: now)
        #expect(ledger.balance(of: wallet, currency: eur) == 750_000)
        #expect(ledger.available(of: wallet, currency: eur) == 750_000)
        #expect(ledger.held(of: wallet, currency: eur) == 0)
        #expect(ledger.balance(of: merchant, currency: eur) == 225_000)
        #expect(ledger.balance(of: .platformRevenue, currency: eur) == 25_000)
        #expect(ledger.hold("h1")?.state == .posted(amountMicros: 250_000))
        #expect(ledger.pendingHolds.isEmpty)
        #expect(ledger.postings(ofCall: Fixture.callId).map(\.postingId) == ["place:h1", "post:h1"])
        #expect(ledger.debitsEqualCredits().isEmpty)
    }

    @Test func postingTheFullHoldOrZero() throws {
        let full = try Fixture.ledger([Fixture.topUp("t1", 1_000_000), Fixture.place("h1", 1_000_000), Fixture.post("h1", 1_000_000)])
        #expect(full.balance(of: wallet, currency: eur) == 0)
        #expect(full.balance(of: merchant, currency: eur) == 1_000_000)
        let none = try Fixture.ledger([Fixture.topUp("t1", 1_000_000), Fixture.place("h1", 1_000_000), Fixture.post("h1", 0)])
        #expect(none.balance(of: wallet, currency: eur) == 1_000_000)
        #expect(none.available(of: wallet, currency: eur) == 1_000_000)
        #expect(none.hold("h1")?.state == .posted(amountMicros: 0))
    }

    @Test func postingMoreThanHeldIsRefused() throws {
        var ledger = try Fixture.ledger([Fixture.topUp("t1", 1_000_000), Fixture.place("h1", 300_000)])
        #expect(throws: LedgerError.exceedsHold(holdId: "h1", heldMicros: 300_000, requestedMicros: 300_001)) {
            try ledger.apply(Fixture.post("h1", 300_001), now: now)
        }
        #expect(throws: LedgerError.invalid("a hold is posted for 0 or more micros, not -1")) { try ledger.apply(Fixture.post("h1", -1), now: now) }
        #expect(ledger.hold("h1")?.state == .pending)
    }

    @Test func aHoldIsPostedAtMostOnce() throws {
        var ledger = try Fixture.ledger([Fixture.topUp("t1", 1_000_000), Fixture.place("h1", 300_000), Fixture.post("h1", 100_000)])
        // The same delivery again is a duplicate; a second, different post of the hold is refused.
        #expect(throws: LedgerError.duplicate(id: "post:h1")) { try ledger.apply(Fixture.post("h1", 100_000), now: now) }
        #expect(throws: LedgerError.holdNotPending(holdId: "h1", state: .posted(amountMicros: 100_000))) {
            try ledger.apply(Fixture.post("h1", 100_000, postingId: "post-again"), now: now)
        }
        #expect(ledger.balance(of: wallet, currency: eur) == 900_000)
    }

    @Test func voidingAfterPostingIsRefused() throws {
        var ledger = try Fixture.ledger([Fixture.topUp("t1", 1_000_000), Fixture.place("h1", 300_000), Fixture.post("h1", 100_000)])
        #expect(throws: LedgerError.holdNotPending(holdId: "h1", state: .posted(amountMicros: 100_000))) { try ledger.apply(Fixture.void("h1"), now: now) }
        #expect(throws: LedgerError.holdNotPending(holdId: "h1", state: .posted(amountMicros: 100_000))) {
            try ledger.apply(Fixture.expire("h1"), now: now.addingTimeInterval(3_600))
        }
    }

    @Test func aVoidReleasesTheWholeHoldOnce() throws {
        var ledger = try Fixture.ledger([Fixture.topUp("t1", 1_000_000), Fixture.place("h1", 300_000), Fixture.void("h1")])
        #expect(ledger.available(of: wallet, currency: eur) == 1_000_000)
        #expect(ledger.balance(of: wallet, currency: eur) == 1_000_000)
        #expect(ledger.hold("h1")?.state == .voided)
        #expect(throws: LedgerError.holdNotPending(holdId: "h1", state: .voided)) { try ledger.apply(Fixture.void("h1", postingId: "v2"), now: now) }
        #expect(throws: LedgerError.holdNotPending(holdId: "h1", state: .voided)) { try ledger.apply(Fixture.post("h1", 1), now: now) }
        #expect(throws: LedgerError.invalid("a void reason is 1…200 bytes")) {
            var other = try Fixture.ledger([Fixture.topUp("t1", 10), Fixture.place("h2", 10)])
            try other.apply(Fixture.void("h2", reason: ""), now: now)
        }
    }

    @Test func anExpiredHoldCannotBePosted() throws {
        var ledger = try Fixture.ledger([Fixture.topUp("t1", 1_000_000), Fixture.place("h1", 300_000, expiresIn: 60)])
        let expiry = now.addingTimeInterval(60)
        #expect(throws: LedgerError.holdExpired(holdId: "h1", expiresAt: expiry)) { try ledger.apply(Fixture.post("h1", 1), now: expiry) }
        #expect(ledger.hold("h1")?.state == .pending)
        // One instant earlier is still in time.
        var inTime = ledger
        try inTime.apply(Fixture.post("h1", 1), now: expiry.addingTimeInterval(-0.001))
        #expect(inTime.hold("h1")?.state == .posted(amountMicros: 1))
    }

    @Test func expiryIsOfferedWhenDueAndReleasesTheHold() throws {
        var ledger = try Fixture.ledger([Fixture.topUp("t1", 1_000_000), Fixture.place("b", 100_000, expiresIn: 60),
                                         Fixture.place("a", 100_000, expiresIn: 60), Fixture.place("c", 100_000, expiresIn: 30),
                                         Fixture.place("late", 100_000, expiresIn: 600)])
        #expect(ledger.expireHolds(now: now.addingTimeInterval(29)).isEmpty)
        let due = ledger.expireHolds(now: now.addingTimeInterval(60))
        #expect(due.map(\.holdId) == ["c", "a", "b"])
        #expect(due.map(\.postingId) == ["expire:c", "expire:a", "expire:b"])
        #expect(ledger.expireHolds(now: now.addingTimeInterval(60), maxCount: 1).map(\.holdId) == ["c"])
        for expired in due { try ledger.apply(.holdExpired(expired), now: expired.at) }
        #expect(ledger.available(of: wallet, currency: eur) == 900_000)
        #expect(ledger.hold("a")?.state == .expired)
        #expect(ledger.pendingHolds.map(\.holdId) == ["late"])
        #expect(throws: LedgerError.duplicate(id: "expire:a")) { try ledger.apply(.holdExpired(due[1]), now: due[1].at) }
        #expect(throws: LedgerError.holdNotPending(holdId: "a", state: .expired)) {
            try ledger.apply(Fixture.void("a"), now: now.addingTimeInterval(60))
        }
        #expect(throws: LedgerError.holdNotPending(holdId: "a", state: .expired)) {
            try ledger.apply(Fixture.post("a", 1), now: now.addingTimeInterval(30))
        }
    }

    @Test func anExpiryBeforeItsTimeIsRefused() throws {
        var ledger = try Fixture.ledger([Fixture.topUp("t1", 1_000_000), Fixture.place("h1", 1, expiresIn: 60)])
        #expect(throws: LedgerError.holdNotYetExpired(holdId: "h1", expiresAt: now.addingTimeInterval(60))) {
            try ledger.apply(Fixture.expire("h1"), now: now.addingTimeInterval(59))
        }
    }

    @Test func placingRefusesBadHolds() throws {
        var ledger = try Fixture.ledger([Fixture.topUp("t1", 1_000_000), Fixture.place("h1", 1)])
        #expect(throws: LedgerError.duplicate(id: "h1")) {
            try ledger.apply(.holdPlaced(HoldPlaced(postingId: "other", holdId: "h1", callId: nil, currency: eur, account: wallet,
                                                    counterparty: merchant, amountMicros: 1, expiresAt: now.addingTimeInterval(60), at: now)), now: now)
        }
        #expect(throws: LedgerError.duplicate(id: "place:h1")) { try ledger.apply(Fixture.place("h1", 1), now: now) }
        #expect(throws: LedgerError.invalid("hold h2 expires at or before now")) { try ledger.apply(Fixture.place("h2", 1, expiresIn: 0), now: now) }
        #expect(throws: LedgerError.self) { try ledger.apply(Fixture.place("h3", 1, counterparty: wallet), now: now) }
        #expect(throws: LedgerError.self) { try ledger.apply(Fixture.place(String(repeating: "h", count: 241), 1), now: now) }
        var few = try Fixture.ledger([Fixture.topUp("t1", 10), Fixture.place("h1", 1)], limits: LedgerLimits(maxPendingHolds: 1))
        #expect(throws: LedgerError.capacityReached("1 holds are pending already")) { try few.apply(Fixture.place("h2", 1), now: now) }
    }

    @Test func unknownHoldsAndMixedCurrenciesAreRefused() throws {
        var ledger = try Fixture.ledger([Fixture.topUp("t1", 1_000_000), Fixture.place("h1", 10)])
        #expect(throws: LedgerError.unknownHold(holdId: "nope")) { try ledger.apply(Fixture.post("nope", 1), now: now) }
        #expect(throws: LedgerError.unknownHold(holdId: "nope")) { try ledger.apply(Fixture.void("nope"), now: now) }
        let mixed = LedgerError.invalid("mixed currencies: hold h1 is in EUR, the entry in USD")
        #expect(throws: mixed) { try ledger.apply(Fixture.post("h1", 1, currency: Fixture.usd), now: now) }
        #expect(throws: mixed) { try ledger.apply(Fixture.void("h1", currency: Fixture.usd), now: now) }
        #expect(throws: mixed) { try ledger.apply(Fixture.expire("h1", currency: Fixture.usd), now: now.addingTimeInterval(600)) }
        #expect(ledger.hold("h1")?.state == .pending)
    }

    @Test func aPostWhoseSplitLegsFailIsRefusedAsAWhole() throws {
        var ledger = try Fixture.ledger([Fixture.topUp("t1", 1_000_000), Fixture.place("h1", 500_000)])
        // The fee leg would take the wallet below zero: nothing of the post may happen.
        #expect(throws: LedgerError.self) {
            try ledger.apply(Fixture.post("h1", 500_000, legs: [PostingLeg(debit: wallet, credit: .platformRevenue, amountMicros: 500_001)]), now: now)
        }
        #expect(ledger.hold("h1")?.state == .pending)
        #expect(ledger.held(of: wallet, currency: eur) == 500_000)
        #expect(ledger.balance(of: merchant, currency: eur) == 0)
        #expect(!ledger.hasApplied(postingId: "post:h1"))
    }

    @Test func aHoldOnAnOwedAccountNeedsNoFunds() throws {
        let ledger = try Fixture.ledger([Fixture.place("asp", 5_000_000, account: merchant, counterparty: .platformRevenue),
                                         Fixture.post("asp", 1_200_000)])
        #expect(ledger.balance(of: merchant, currency: eur) == -1_200_000)
        #expect(ledger.balance(of: .platformRevenue, currency: eur) == 1_200_000)
    }
}
