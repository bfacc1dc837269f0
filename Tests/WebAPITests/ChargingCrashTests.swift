import Billing
import CartlineTestSupport
import Domain
import Engine
import EventLog
import Foundation
import PostgresNIO
import Testing

/// The charging saga in a real `cartline serve`, killed with -9 while it charges a backlog of
/// ended calls and started again: every call is charged exactly once.
@Suite("Charging survives a kill -9")
struct ChargingCrashTests {
    static let calls = 40

    @Test func aProcessKilledWhileChargingAndRestartedChargesEachCallExactlyOnce() async throws {
        try await TestDatabase.with { db in
            let shopperId = UUID()
            let callIds = (0..<Self.calls).map { _ in UUID() }
            try await db.withEventLog { log in
                let store = AggregateStore(log: log)
                _ = try await WalletService(store: store, clock: SystemClock())
                    .topUp(shopperId: shopperId, amountMicros: 500_000_000, currency: try Currency("EUR"), eventIDs: .random)
                let terms = ChargeTerms(payer: .shopper, currency: try Currency("EUR"), perMinuteMicros: 120_000, billingIncrementSeconds: 6,
                                        setupFeeMicros: 0, minimumChargeMicros: 0, platformFeeBasisPoints: 1_000)
                let start = Date()
                for index in 0..<Self.calls {
                    let callId = callIds[index]
                    let request = CallRequested(callId: callId, offerId: nil, cartId: UUID(), shopperId: shopperId, merchantId: "shop",
                                                mode: .voip, destination: "sip:a@127.0.0.1", agentName: "Dana", agentSipUri: "sip:dana@127.0.0.1",
                                                at: start, charge: terms)
                    let events: [CallEvent] = [
                        .requested(request),
                        .answered(CallAnswered(callId: callId, at: start.addingTimeInterval(1))),
                        .ended(CallEnded(callId: callId, cause: "customer-hangup", sipStatus: nil, answeredMilliseconds: 20_000,
                                         billableMilliseconds: Int64(10_000 + index * 1_000), at: start.addingTimeInterval(21))),
                    ]
                    _ = try await log.append(to: .call(callId), try events.map { try $0.encodedForLog().newEvent(id: UUID()) }, expected: .noStream)
                }
            }
            let extra = ["CARTLINE_ROLES": "web,engine"]
            let first = try ServeProcess(databaseURL: db.url, extra: extra)
            #expect(try await first.waitHealthy(), "\(first.log)")
            // Killed once the saga has posted some of the backlog, before it has posted all of it.
            try await TwoProcessEngagementTests.waitFor("the first charges") {
                try await TwoProcessEngagementTests.count(db, "event_type = 'HoldPosted'") > 0
            }
            kill(first.process.processIdentifier, SIGKILL)
            let postedBeforeRestart = try await TwoProcessEngagementTests.count(db, "event_type = 'HoldPosted'")

            let second = try ServeProcess(databaseURL: db.url, extra: extra)
            #expect(try await second.waitHealthy(), "\(second.log)")
            try await TwoProcessEngagementTests.waitFor("every call charged") {
                try await TwoProcessEngagementTests.count(db, "event_type = 'HoldPosted'") >= Int64(Self.calls)
            }
            try await Task.sleep(for: .seconds(1))  // a late duplicate would show by now
            second.process.terminate()
            #expect(try await second.waitExit())

            #expect(try await TwoProcessEngagementTests.count(db, "event_type = 'HoldPlaced'") == Int64(Self.calls))
            #expect(try await TwoProcessEngagementTests.count(db, "event_type = 'HoldPosted'") == Int64(Self.calls))
            #expect(try await TwoProcessEngagementTests.count(db, "event_type = 'CallCreditLimited'") == Int64(Self.calls))
            // The wallet's books: the sum of every call's metered price, nothing twice, nothing negative.
            var ledger = Ledger()
            let rows = try await db.client.query("SELECT event_type, data::text FROM events ORDER BY tx_id, global_position", logger: TestDatabase.logger)
            for try await (type, data) in rows.decode((String, String).self) {
                if let entry = try LedgerEntry.decode(eventType: type, json: Data(data.utf8)) { try ledger.apply(entry, now: entry.at) }
            }
            // Call i bills 10 + i seconds, rounded up to 6 s, at 2,000 micros a second.
            var expected: Int64 = 0
            for index in 0..<Self.calls {
                let billedSeconds = Int64((10 + index + 5) / 6 * 6)
                expected += billedSeconds * 2_000
            }
            let eur = try Currency("EUR")
            #expect(ledger.balance(of: .shopperWallet(shopperId: shopperId), currency: eur) == 500_000_000 - expected)
            #expect(ledger.pendingHolds.isEmpty)
            #expect(ledger.debitsEqualCredits().isEmpty)
            for callId in callIds { #expect(ledger.postings(ofCall: callId).count == 2) }
            #expect(postedBeforeRestart < Int64(Self.calls), "the kill came after every charge: it tested nothing (\(postedBeforeRestart) posted)")
        }
    }
}
