import Billing
import CartlineTestSupport
import Domain
import Engine
import EventLog
import Foundation
import PostgresNIO
import Testing

/// The invariant checker against a real log: a clean workload of offers, calls and charges
/// passes; each invariant broken on purpose by one crafted event (or one SQL change to a
/// read model) is reported, and nothing else is.
@Suite("Invariant checker", .serialized)
struct InvariantCheckerTests {
    static let eur = try! Currency("EUR")
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// What the workload made: an accepted offer's call (failed), a shopper-paid call that
    /// was charged, and the shopper who paid.
    struct World: Sendable {
        let acceptedCallId: UUID
        let acceptedCartId: UUID
        let chargedCallId: UUID
        let shopperId: UUID
    }

    static func appendJSON(_ stream: StreamName, _ type: String, _ fields: [String: Any], log: EventLog) async throws {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]), as: UTF8.self)
        _ = try await log.append(to: stream, [NewEvent(type: type, data: try JSONPayload(validating: json))], expected: .any)
    }

    static func appended(_ event: CallEvent, to stream: StreamName, log: EventLog) async throws -> RecordedEvent {
        let result = try await log.append(to: stream, [try event.encodedForLog().newEvent(id: UUID())], expected: .any)
        return try #require(try await log.read(stream: stream, from: result.streamVersion).first)
    }

    static func request(_ callId: UUID, shopperId: UUID, offerId: UUID? = nil, cartId: UUID = UUID(), terms: ChargeTerms?,
                        log: EventLog) async throws -> RecordedEvent {
        let request = CallRequested(callId: callId, offerId: offerId, cartId: cartId, shopperId: shopperId, merchantId: "shop-a",
                                    mode: .voip, destination: "sip:shopper@127.0.0.1", agentName: "Dana", agentSipUri: "sip:dana@127.0.0.1",
                                    at: start, charge: terms)
        return try await appended(.requested(request), to: .call(callId), log: log)
    }

    static func transfer(_ log: EventLog, callId: UUID?, legs: [PostingLeg], reason: PostingReason = .callCharge) async throws {
        let entry = LedgerEntry.transferred(FundsTransferred(postingId: "test-\(UUID().uuidString.lowercased())", callId: callId, currency: eur,
                                                             legs: legs, reason: reason, at: start.addingTimeInterval(200)))
        let json = String(decoding: try entry.encodedJSON(), as: UTF8.self)
        _ = try await log.append(to: try StreamName("ledger-test"), [NewEvent(type: entry.eventType, data: try JSONPayload(validating: json))],
                                 expected: .any)
    }

    /// Offer, acceptance, request and failure of one call; top-up, request, answer, end and
    /// charge of another; projections caught up.
    static func workload(_ db: TestDatabase, _ log: EventLog) async throws -> World {
        let store = AggregateStore(log: log)
        let saga = ChargingSagaConsumer(store: store, logger: TestDatabase.logger)
        let shopperId = UUID(), cartId = UUID(), offerId = UUID(), acceptedCallId = UUID(), chargedCallId = UUID()
        try await withConsumers(log, ProjectionCatalog.live()) {
            try await appendJSON(.engagement(cartId), CallOffered.eventType, [
                "offerId": offerId.uuidString, "cartId": cartId.uuidString, "shopperId": shopperId.uuidString, "merchantId": "shop-a",
                "cause": UUID().uuidString, "expiresAt": start.addingTimeInterval(60).formatted(format), "at": start.formatted(format),
            ], log: log)
            try await appendJSON(.engagement(cartId), OfferAccepted.eventType, [
                "offerId": offerId.uuidString, "mode": "voip", "callId": acceptedCallId.uuidString, "at": start.addingTimeInterval(5).formatted(format),
            ], log: log)
            _ = try await request(acceptedCallId, shopperId: shopperId, offerId: offerId, cartId: cartId, terms: nil, log: log)
            _ = try await appended(.failed(CallFailed(callId: acceptedCallId, reason: "busy", sipStatus: 486, at: start.addingTimeInterval(9))),
                                   to: .call(acceptedCallId), log: log)

            _ = try await WalletService(store: store, clock: ManualClock(start)).topUp(shopperId: shopperId, amountMicros: 5_000_000, currency: eur,
                                                                                     eventIDs: .random)
            let terms = ChargeTerms(payer: .shopper, currency: eur, perMinuteMicros: 120_000, billingIncrementSeconds: 6, setupFeeMicros: 0,
                                    minimumChargeMicros: 0, platformFeeBasisPoints: 1_000)
            _ = try await request(chargedCallId, shopperId: shopperId, terms: terms, log: log)
            let answered = try await appended(.answered(CallAnswered(callId: chargedCallId, at: start.addingTimeInterval(5))),
                                              to: .call(chargedCallId), log: log)
            try await db.client.withConnection { try await saga.apply([answered], connection: $0, logger: TestDatabase.logger) }
            let ended = try await appended(.ended(CallEnded(callId: chargedCallId, cause: "customer-hangup", sipStatus: nil,
                                                            answeredMilliseconds: 65_000, billableMilliseconds: 61_000,
                                                            at: start.addingTimeInterval(70))), to: .call(chargedCallId), log: log)
            try await db.client.withConnection { try await saga.apply([ended], connection: $0, logger: TestDatabase.logger) }
            try await waitUntilCaughtUp(log, consumers: ProjectionCatalog.live().map(\.consumer))
        }
        return World(acceptedCallId: acceptedCallId, acceptedCartId: cartId, chargedCallId: chargedCallId, shopperId: shopperId)
    }

    static func check(_ log: EventLog, allowOpenCalls: Bool = false) async throws -> InvariantReport {
        try await InvariantChecker(log: log, options: InvariantCheckOptions(allowOpenCalls: allowOpenCalls), logger: TestDatabase.logger).check()
    }

    /// The invariants with violations, and the violations for the failure message.
    static func broken(_ report: InvariantReport) -> Set<Invariant> { Set(report.violations.map(\.invariant)) }

    @Test func aCleanWorkloadHasNoViolations() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                _ = try await Self.workload(db, log)
                let report = try await Self.check(log)
                #expect(report.isClean, "\(report.violations)")
                #expect(report.checkedCounts[.acceptedOfferHasOneCall] == 1)
                #expect(report.checkedCounts[.callHasOneOutcome] == 2)
                #expect(report.checkedCounts[.billableCallCharged] == 1)
                #expect(report.checkedCounts[.projectionEqualsRebuild] == ProjectionCatalog.all.count)
                #expect((report.checkedCounts[.debitsEqualCredits] ?? 0) >= 3, "top-up, hold, post")
                #expect(report.openCallIds.isEmpty)
            }
        }
    }

    @Test func aSecondCallRequestedForAnAcceptedOfferIsNamed() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let world = try await Self.workload(db, log)
                _ = try await Self.request(world.acceptedCallId, shopperId: world.shopperId, cartId: world.acceptedCartId, terms: nil, log: log)
                let report = try await Self.check(log)
                #expect(Self.broken(report) == [.acceptedOfferHasOneCall], "\(report.violations)")
                let violation = try #require(report.violations.first)
                #expect(violation.subject.contains(world.acceptedCallId.uuidString.lowercased()))
                #expect(violation.found.hasPrefix("2:"))
            }
        }
    }

    @Test func aCallWithoutOutcomeIsOpenAndAViolationUnlessOpenCallsAreAllowed() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                _ = try await Self.workload(db, log)
                let open = UUID()
                _ = try await Self.request(open, shopperId: UUID(), terms: nil, log: log)
                let strict = try await Self.check(log)
                #expect(Self.broken(strict) == [.noOpenCalls], "\(strict.violations)")
                #expect(strict.violations.first?.subject == "call \(open.uuidString.lowercased())")
                let lenient = try await Self.check(log, allowOpenCalls: true)
                #expect(lenient.isClean, "\(lenient.violations)")
                #expect(lenient.openCallIds == [open])
            }
        }
    }

    @Test func aSecondOutcomeIsNamed() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let world = try await Self.workload(db, log)
                _ = try await Self.appended(.failed(CallFailed(callId: world.acceptedCallId, reason: "no-answer", sipStatus: nil, at: Self.start)),
                                            to: .call(world.acceptedCallId), log: log)
                let report = try await Self.check(log)
                #expect(Self.broken(report) == [.callHasOneOutcome], "\(report.violations)")
            }
        }
    }

    @Test func aPostingThatDoesNotBalanceIsNamed() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                _ = try await Self.workload(db, log)
                try await Self.transfer(log, callId: nil, legs: [PostingLeg(debit: .merchantReceivable(merchantId: "shop-a"), credit: .platformRevenue,
                                                                            amountMicros: -5_000)], reason: .platformFee)
                let report = try await Self.check(log)
                #expect(Self.broken(report) == [.debitsEqualCredits], "\(report.violations)")
            }
        }
    }

    @Test func aPostingWhoseCallDoesNotExistIsNamed() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                _ = try await Self.workload(db, log)
                let ghost = UUID()
                try await Self.transfer(log, callId: ghost, legs: [PostingLeg(debit: .merchantReceivable(merchantId: "shop-a"), credit: .platformRevenue,
                                                                             amountMicros: 1_000)])
                let report = try await Self.check(log)
                #expect(Self.broken(report) == [.postingNamesCall], "\(report.violations)")
                #expect(report.violations.first?.subject == "call \(ghost.uuidString.lowercased())")
            }
        }
    }

    @Test func aCallChargedTwiceIsNamed() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let world = try await Self.workload(db, log)
                try await Self.transfer(log, callId: world.chargedCallId, legs: [PostingLeg(debit: .shopperWallet(shopperId: world.shopperId),
                                                                                            credit: .merchantReceivable(merchantId: "shop-a"),
                                                                                            amountMicros: 132_000)])
                let report = try await Self.check(log)
                #expect(Self.broken(report) == [.callChargedOnce], "\(report.violations)")
            }
        }
    }

    @Test func aWalletDrawnBelowZeroIsNamed() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let world = try await Self.workload(db, log)
                try await Self.transfer(log, callId: nil, legs: [PostingLeg(debit: .shopperWallet(shopperId: world.shopperId),
                                                                            credit: .merchantReceivable(merchantId: "shop-a"), amountMicros: 50_000_000)],
                                        reason: .platformFee)
                let report = try await Self.check(log)
                #expect(Self.broken(report) == [.walletsNonNegative], "\(report.violations)")
            }
        }
    }

    @Test func aProjectionRowChangedBySQLIsNamed() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let world = try await Self.workload(db, log)
                _ = try await db.client.query("UPDATE call_charges SET charged_micros = charged_micros + 1 WHERE call_id = \(world.chargedCallId)",
                                              logger: TestDatabase.logger)
                let report = try await Self.check(log)
                #expect(Self.broken(report) == [.projectionEqualsRebuild], "\(report.violations)")
                let violation = try #require(report.violations.first)
                #expect(violation.subject.hasPrefix("table call_charges"))
                #expect(violation.found.hasPrefix("1 rows only in the live table, 1 rebuilt rows missing"))
            }
        }
    }

    @Test func theCommandPrintsATableAndExitsOneOnViolationsAndSixtyFourOnBadArguments() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                _ = try await Self.workload(db, log)
                let clean = try await runCartline(["check-invariants"], databaseURL: db.url)
                #expect(clean.status == 0, "\(clean.output)")
                #expect(clean.output.contains("projection-equals-rebuild"))
                #expect(clean.output.contains("clean:"))
                _ = try await Self.request(UUID(), shopperId: UUID(), terms: nil, log: log)
                let open = try await runCartline(["check-invariants"], databaseURL: db.url)
                #expect(open.status == 1, "\(open.output)")
                #expect(open.output.contains("[no-open-calls] call "))
                let allowed = try await runCartline(["check-invariants", "--allow-open-calls"], databaseURL: db.url)
                #expect(allowed.status == 0, "\(allowed.output)")
                #expect(allowed.output.contains("open calls (1)"))
                let bad = try await runCartline(["check-invariants", "--no-such-flag"], databaseURL: db.url)
                #expect(bad.status == 64, "\(bad.output)")
                let unreachable = try await runCartline(["check-invariants", "--database-url", "postgres://nobody@127.0.0.1:1/none"], databaseURL: db.url)
                #expect(unreachable.status == 1, "\(unreachable.output)")
                #expect(unreachable.output.contains("check-invariants"))
            }
        }
    }
}
