import Billing
import CartlineTestSupport
import Domain
import EventLog
import Foundation
import Testing

/// `cartline-finance reconcile`: clean on a consistent log, and it finds what is planted.
@Suite("cartline-finance reconcile")
struct ReconcileCommandTests {
    @Test func aConsistentLogReconcilesAndAnEndedCallWithoutPostingsIsADiscrepancy() async throws {
        try await TestDatabase.with { db in
            let fixture = try FinanceFixture()
            try await db.withEventLog { log in
                try await fixture.write(log)
                try await fixture.postShopperCall(log)
            }
            let clean = try await runFinance(["reconcile"], databaseURL: db.url)
            #expect(clean.status == 0, "\(clean.output)")
            #expect(clean.stdout == "reconciled: 5 calls, 7 postings, 0 discrepancies\n", "\(clean.output)")

            // Planted: a call that ended with billable time under charge terms, never charged.
            let unpaid = UUID()
            try await db.withEventLog { log in
                try await fixture.call(log, unpaid, merchant: "acme", terms: fixture.terms(.merchant), billableMilliseconds: 42_000, at: Date())
            }
            let dirty = try await runFinance(["reconcile"], databaseURL: db.url)
            #expect(dirty.status == 1, "\(dirty.output)")
            let lines = dirty.stdout.split(separator: "\n").map(String.init)
            #expect(lines.contains { $0.contains("call \(unpaid.uuidString.lowercased())") && $0.contains("has no posting") }, "\(dirty.output)")
            #expect(lines.last == "not reconciled: 6 calls, 7 postings, 1 discrepancy", "\(dirty.output)")
        }
    }

    @Test func aCallChargedTwiceAPostingForAnUnknownCallAndAnOverdueHoldAreEachReported() async throws {
        try await TestDatabase.with { db in
            let fixture = try FinanceFixture()
            let ghost = UUID()
            try await db.withEventLog { log in
                try await fixture.write(log)
                try await fixture.postShopperCall(log)
                let eur = fixture.eur
                // A second charge of the merchant-paid call, and a posting naming no call in the log.
                try await fixture.append(log, "charges-\(fixture.merchantCallId.uuidString.lowercased())", [try fixture.event(FundsTransferred(
                    postingId: "charge-b-again", callId: fixture.merchantCallId, currency: eur,
                    legs: [.init(debit: .merchantReceivable(merchantId: "acme"), credit: .platformRevenue, amountMicros: 300_000)],
                    reason: .aspUsage, at: Date()))])
                try await fixture.append(log, "charges-\(ghost.uuidString.lowercased())", [try fixture.event(FundsTransferred(
                    postingId: "charge-ghost", callId: ghost, currency: eur,
                    legs: [.init(debit: .merchantReceivable(merchantId: "acme"), credit: .platformRevenue, amountMicros: 100_000)],
                    reason: .aspUsage, at: Date()))])
            }
            // Later than every hold's expiry: none is pending, so no hold is reported.
            let result = try await runFinance(["reconcile", "--now", timeText(Date().addingTimeInterval(5_400))], databaseURL: db.url)
            #expect(result.status == 1, "\(result.output)")
            #expect(result.stdout.contains("call \(fixture.merchantCallId.uuidString.lowercased()) is charged 2 times"), "\(result.output)")
            #expect(result.stdout.contains("name call \(ghost.uuidString.lowercased()), which is not in the log"), "\(result.output)")
            #expect(result.stdout.contains("2 discrepancies"), "\(result.output)")
        }
    }

    @Test func aHoldPendingPastItsExpiryIsADiscrepancy() async throws {
        try await TestDatabase.with { db in
            let fixture = try FinanceFixture()
            try await db.withEventLog { log in
                try await fixture.write(log)  // hold-a stays pending: the post is not written
            }
            // The call ended, its hold still pending: not charged, and a hold its call no longer needs.
            let now = try await runFinance(["reconcile"], databaseURL: db.url)
            #expect(now.status == 1, "\(now.output)")
            #expect(now.stdout.contains("has no posting"), "\(now.output)")
            #expect(now.stdout.contains("hold hold-a is still pending though call \(fixture.shopperCallId.uuidString.lowercased()) is ended"),
                    "\(now.output)")
            let later = try await runFinance(["reconcile", "--now", timeText(Date().addingTimeInterval(7_200))], databaseURL: db.url)
            #expect(later.status == 1)
            #expect(later.stdout.contains("hold hold-a expired at"), "\(later.output)")
        }
    }
}
