import Billing
import CartlineTestSupport
import Domain
import Engine
import EventLog
import Foundation
import PostgresNIO
import Testing

/// The charging saga against a real log: each payer's postings, exactly once whatever is
/// delivered twice, and a wallet that never goes below zero.
@Suite("Charging calls")
struct ChargingSagaTests {
    static let eur = try! Currency("EUR")
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// €0.12 a minute in 6 s steps, no setup fee, a 10 % platform fee.
    static func terms(_ payer: ChargeTerms.Payer, minimum: Int64 = 0) -> ChargeTerms {
        ChargeTerms(payer: payer, currency: eur, perMinuteMicros: 120_000, billingIncrementSeconds: 6, setupFeeMicros: 0,
                    minimumChargeMicros: minimum, platformFeeBasisPoints: 1_000)
    }

    struct Call {
        let id = UUID()
        let shopperId: UUID
        let merchantId = "shop-a"
    }

    /// Appends the call's request with `terms`; returns its events' batch so far.
    static func request(_ call: Call, terms: ChargeTerms?, log: EventLog) async throws -> RecordedEvent {
        let request = CallRequested(callId: call.id, offerId: nil, cartId: UUID(), shopperId: call.shopperId, merchantId: call.merchantId,
                                    mode: .voip, destination: "sip:shopper@127.0.0.1", agentName: "Dana", agentSipUri: "sip:dana@127.0.0.1",
                                    at: start, charge: terms)
        return try await appended(CallEvent.requested(request), to: .call(call.id), log: log)
    }

    static func appended(_ event: CallEvent, to stream: StreamName, log: EventLog) async throws -> RecordedEvent {
        let result = try await log.append(to: stream, [try event.encodedForLog().newEvent(id: UUID())], expected: .any)
        let read = try await log.read(stream: stream, from: result.streamVersion)
        return try #require(read.first)
    }

    static func deliver(_ saga: ChargingSagaConsumer, _ events: [RecordedEvent], db: TestDatabase) async throws {
        try await db.client.withConnection { connection in
            try await saga.apply(events, connection: connection, logger: TestDatabase.logger)
        }
    }

    static func topUp(_ shopperId: UUID, _ micros: Int64, store: AggregateStore) async throws {
        _ = try await WalletService(store: store, clock: ManualClock(start)).topUp(shopperId: shopperId, amountMicros: micros, currency: eur,
                                                                                  eventIDs: .random)
    }

    /// The credit limit charging gave `call`, from its shopper's wallet stream.
    static func creditLimit(of call: Call, log: EventLog) async throws -> CallCreditLimited? {
        try await log.read(stream: .wallet(call.shopperId)).compactMap {
            $0.type == CallCreditLimited.eventType ? try $0.data.decode(as: CallCreditLimited.self) : nil
        }.first { $0.callId == call.id }
    }

    static func ledger(_ log: EventLog) async throws -> Ledger {
        var ledger = Ledger()
        var position = LogPosition.start
        while true {
            let batch = try await log.readAll(after: position, limit: 1_000)
            guard let last = batch.last else { return ledger }
            for recorded in batch {
                if let entry = try LedgerEntry.decode(eventType: recorded.type, json: Data(recorded.data.text.utf8)) {
                    try ledger.apply(entry, now: entry.at)
                }
            }
            position = last.position
        }
    }

    @Test func aShopperPaysTheMeteredPriceFromAHoldAndTheRestIsReleasedOnce() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let store = AggregateStore(log: log)
                let saga = ChargingSagaConsumer(store: store, logger: TestDatabase.logger)
                let call = Call(shopperId: UUID())
                try await Self.topUp(call.shopperId, 5_000_000, store: store)
                _ = try await Self.request(call, terms: Self.terms(.shopper), log: log)
                let answered = try await Self.appended(.answered(CallAnswered(callId: call.id, at: Self.start.addingTimeInterval(5))), to: .call(call.id), log: log)
                try await Self.deliver(saga, [answered], db: db)
                let held = try await store.load(WalletAggregate.self, .wallet(call.shopperId)).state
                let hold = try #require(held.hold(ofCall: call.id))
                #expect(hold.amountMicros == 5_000_000, "an hour costs €7.20, more than the wallet's €5: all of it is held")
                #expect(held.availableMicros(of: call.shopperId, Self.eur) == 0)
                // The call may last what €5 pays for: 2,496 s (a whole number of 6-s steps) at €0.002 a
                // second cost €4.992 — 2,497 s would bill 2,502 s, €5.004 — less the second in hand.
                let limit = try #require(try await Self.creditLimit(of: call, log: log))
                #expect(limit.talkSeconds == 2_495)

                // 61 s of conversation bill 66 s: 66/60 × €0.12 = €0.132, 10 % of it to the platform.
                let ended = try await Self.appended(.ended(CallEnded(callId: call.id, cause: "customer-hangup", sipStatus: nil, answeredMilliseconds: 65_000,
                                                                     billableMilliseconds: 61_000, at: Self.start.addingTimeInterval(70))),
                                                    to: .call(call.id), log: log)
                try await Self.deliver(saga, [ended], db: db)
                // Delivered again (a crash before the checkpoint, a second process): nothing more.
                try await Self.deliver(saga, [answered, ended], db: db)
                try await Self.deliver(ChargingSagaConsumer(store: AggregateStore(log: log), logger: TestDatabase.logger), [answered, ended], db: db)

                let ledger = try await Self.ledger(log)
                #expect(ledger.balance(of: .shopperWallet(shopperId: call.shopperId), currency: Self.eur) == 5_000_000 - 132_000)
                #expect(ledger.balance(of: .merchantReceivable(merchantId: call.merchantId), currency: Self.eur) == 118_800)
                #expect(ledger.balance(of: .platformRevenue, currency: Self.eur) == 13_200)
                #expect(ledger.pendingHolds.isEmpty)
                #expect(ledger.debitsEqualCredits().isEmpty)
                #expect(ledger.postings(ofCall: call.id).count == 2, "one hold and one post: \(ledger.postings(ofCall: call.id))")
            }
        }
    }

    @Test func aWalletThatRunsOutEndsTheCallAndIsNeverChargedBelowZero() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let store = AggregateStore(log: log)
                let saga = ChargingSagaConsumer(store: store, logger: TestDatabase.logger)
                let call = Call(shopperId: UUID())
                try await Self.topUp(call.shopperId, 50_000, store: store)  // €0.05
                _ = try await Self.request(call, terms: Self.terms(.shopper), log: log)
                let answered = try await Self.appended(.answered(CallAnswered(callId: call.id, at: Self.start)), to: .call(call.id), log: log)
                try await Self.deliver(saga, [answered], db: db)
                let limit = try #require(try await Self.creditLimit(of: call, log: log))
                // 24 s (four 6-s steps) cost €0.048 ≤ €0.05; 25 s would bill 30 s (€0.06).
                #expect(limit.talkSeconds == 23)
                // The node stopped a little late: billed time rounds up past the hold, which caps it.
                let ended = try await Self.appended(.ended(CallEnded(callId: call.id, cause: "credit-exhausted", sipStatus: nil, answeredMilliseconds: 31_000,
                                                                     billableMilliseconds: 25_300, at: Self.start.addingTimeInterval(32))),
                                                    to: .call(call.id), log: log)
                try await Self.deliver(saga, [ended], db: db)
                let ledger = try await Self.ledger(log)
                #expect(ledger.balance(of: .shopperWallet(shopperId: call.shopperId), currency: Self.eur) == 0)
                #expect(ledger.debitsEqualCredits().isEmpty)

                // A second call with an empty wallet: no hold, a limit of 0 s, no charge.
                let second = Call(shopperId: call.shopperId)
                _ = try await Self.request(second, terms: Self.terms(.shopper), log: log)
                let answeredAgain = try await Self.appended(.answered(CallAnswered(callId: second.id, at: Self.start.addingTimeInterval(60))),
                                                            to: .call(second.id), log: log)
                try await Self.deliver(saga, [answeredAgain], db: db)
                let wallet = try await store.load(WalletAggregate.self, .wallet(call.shopperId)).state
                #expect(wallet.hold(ofCall: second.id) == nil)
                #expect(wallet.creditLimitedCalls.contains(second.id))
                #expect(wallet.balanceMicros(of: call.shopperId, Self.eur) == 0)
            }
        }
    }

    @Test func aFailedCallReleasesItsHoldInFull() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let store = AggregateStore(log: log)
                let saga = ChargingSagaConsumer(store: store, logger: TestDatabase.logger)
                let call = Call(shopperId: UUID())
                try await Self.topUp(call.shopperId, 1_000_000, store: store)
                _ = try await Self.request(call, terms: Self.terms(.shopper), log: log)
                let answered = try await Self.appended(.answered(CallAnswered(callId: call.id, at: Self.start)), to: .call(call.id), log: log)
                let failed = try await Self.appended(.failed(CallFailed(callId: call.id, reason: "no-agent", sipStatus: nil, at: Self.start.addingTimeInterval(3))),
                                                     to: .call(call.id), log: log)
                try await Self.deliver(saga, [answered, failed], db: db)
                try await Self.deliver(saga, [failed], db: db)
                let wallet = try await store.load(WalletAggregate.self, .wallet(call.shopperId)).state
                #expect(wallet.balanceMicros(of: call.shopperId, Self.eur) == 1_000_000)
                #expect(wallet.availableMicros(of: call.shopperId, Self.eur) == 1_000_000)
                #expect(wallet.hold(ofCall: call.id)?.state == .voided)
            }
        }
    }

    @Test(arguments: [ChargeTerms.Payer.merchant, .sponsor("acme-brand")])
    func aMerchantOrASponsorIsChargedOnceInTheCallsChargeStream(payer: ChargeTerms.Payer) async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let store = AggregateStore(log: log)
                let saga = ChargingSagaConsumer(store: store, logger: TestDatabase.logger)
                let call = Call(shopperId: UUID())
                _ = try await Self.request(call, terms: Self.terms(payer, minimum: 200_000), log: log)
                let answered = try await Self.appended(.answered(CallAnswered(callId: call.id, at: Self.start)), to: .call(call.id), log: log)
                let ended = try await Self.appended(.ended(CallEnded(callId: call.id, cause: "agent-hangup", sipStatus: nil, answeredMilliseconds: 12_000,
                                                                     billableMilliseconds: 10_000, at: Self.start.addingTimeInterval(12))),
                                                    to: .call(call.id), log: log)
                try await Self.deliver(saga, [answered, ended], db: db)
                try await Self.deliver(saga, [ended], db: db)
                #expect(try await log.read(stream: .wallet(call.shopperId)).isEmpty, "the shopper's wallet is not touched")
                let charges = try await log.read(stream: .charges(call.id))
                #expect(charges.count == 1)
                let ledger = try await Self.ledger(log)
                // 10 s bill 12 s = €0.024, raised to the €0.20 minimum.
                switch payer {
                case .merchant:
                    #expect(ledger.balance(of: .merchantReceivable(merchantId: call.merchantId), currency: Self.eur) == -200_000)
                    #expect(ledger.balance(of: .platformRevenue, currency: Self.eur) == 200_000)
                default:
                    #expect(ledger.balance(of: .sponsor(sponsorId: "acme-brand"), currency: Self.eur) == -200_000)
                    #expect(ledger.balance(of: .merchantReceivable(merchantId: call.merchantId), currency: Self.eur) == 180_000)
                    #expect(ledger.balance(of: .platformRevenue, currency: Self.eur) == 20_000)
                }
                #expect(ledger.debitsEqualCredits().isEmpty)
            }
        }
    }

    @Test func aCallRequestedWithoutTermsIsNotBilled() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let store = AggregateStore(log: log)
                let call = Call(shopperId: UUID())
                _ = try await Self.request(call, terms: nil, log: log)
                let ended = try await Self.appended(.ended(CallEnded(callId: call.id, cause: "agent-hangup", sipStatus: nil, answeredMilliseconds: 12_000,
                                                                     billableMilliseconds: 10_000, at: Self.start)), to: .call(call.id), log: log)
                try await Self.deliver(ChargingSagaConsumer(store: store, logger: TestDatabase.logger), [ended], db: db)
                #expect(try await log.read(stream: .charges(call.id)).isEmpty)
            }
        }
    }

    @Test func aShopperWhoseWalletCannotPayIsToldToTopUpAndTheCallIsPlacedOnceItCan() async throws {
        try await EngagementFlowTests.withWorld { world in
            let rules = try EngagementRules(idleThresholdSeconds: 20, marginBasisPoints: 2_500, upliftBasisPoints: 2_000, expectedCallCostMicros: 0,
                                            minimumGainMicros: 0, cooldownSeconds: 600, holdoutBasisPoints: 0, offerTTLSeconds: 120)
            let profile = try MerchantProfile(name: "Shop", currency: Self.eur, catalog: [EngagementFlowTests.grinder],
                                              agents: [try SalesAgent(name: "Dana", sipUri: "sip:dana@127.0.0.1:5070")], engagement: rules,
                                              pricing: try CallPricing(payer: .shopper, perMinuteMicros: 120_000, billingIncrementSeconds: 6, setupFeeMicros: 0))
            _ = try await MerchantAdministration(store: world.store, directory: world.merchants, clock: world.clock).register("shop", profile: profile, eventIDs: .random)
            let shopperId = UUID()
            let contact = try ContactPreferences(mode: .voip, phone: nil, sipUri: "sip:ann@example.net", consent: true, quietHours: nil, timeZone: "UTC")
            let cartId = try await world.cart(for: shopperId)
            let cart = try #require(try await world.store.load(CartAggregate.self, .cart(cartId)).state)
            let offers = OfferService(store: world.store, merchants: world.merchants, capacity: ConfiguredCapacity(channels: 2), clock: world.clock)

            let refused = try await offers.help(shopperId: shopperId, cartId: cartId, via: "help", preferences: contact, carts: nil, cart: cart)
            guard case .explain(let reason) = refused else { Issue.record("expected an explanation, got \(refused)"); return }
            #expect(reason.contains("top it up"), "\(reason)")
            #expect(try await world.log.read(stream: .engagement(cartId)).isEmpty, "no call was requested")

            try await Self.topUp(shopperId, 1_000_000, store: world.store)
            let placed = try await offers.help(shopperId: shopperId, cartId: cartId, via: "help", preferences: contact, carts: nil, cart: cart)
            guard case .call(let call) = placed else { Issue.record("expected a call, got \(placed)"); return }
            #expect(call.charge?.payer == .shopper)
            #expect(call.charge?.perMinuteMicros == 120_000)
        }
    }

    @Test func theClockSettlesLastMonthsSmallChargesOncePerShopper() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let store = AggregateStore(log: log)
                let saga = ChargingSagaConsumer(store: store, logger: TestDatabase.logger)
                let october = Date(timeIntervalSince1970: 1_791_619_200)  // 2026-10-10T08:00Z
                let terms = ChargeTerms(payer: .shopper, currency: Self.eur, perMinuteMicros: 120_000, billingIncrementSeconds: 6, setupFeeMicros: 0,
                                        minimumChargeMicros: 0, platformFeeBasisPoints: 1_000, settlementThresholdMicros: 500_000)
                let call = Call(shopperId: UUID())
                _ = try await WalletService(store: store, clock: ManualClock(october)).topUp(shopperId: call.shopperId, amountMicros: 5_000_000,
                                                                                           currency: Self.eur, eventIDs: .random)
                let request = CallRequested(callId: call.id, offerId: nil, cartId: UUID(), shopperId: call.shopperId, merchantId: call.merchantId,
                                            mode: .voip, destination: "sip:a@127.0.0.1", agentName: "Dana", agentSipUri: "sip:dana@127.0.0.1",
                                            at: october, charge: terms)
                _ = try await Self.appended(.requested(request), to: .call(call.id), log: log)
                let answered = try await Self.appended(.answered(CallAnswered(callId: call.id, at: october)), to: .call(call.id), log: log)
                let ended = try await Self.appended(.ended(CallEnded(callId: call.id, cause: "agent-hangup", sipStatus: nil, answeredMilliseconds: 62_000,
                                                                     billableMilliseconds: 61_000, at: october.addingTimeInterval(62))),
                                                    to: .call(call.id), log: log)
                try await Self.deliver(saga, [answered, ended], db: db)
                try await ProjectionMaintenance(log: log, logger: TestDatabase.logger).rebuild("settlement_accruals")

                let merchants = MerchantDirectory(store: store)
                let clock = ManualClock(october.addingTimeInterval(3_600))
                let chargingClock = ChargingClock(store: store, merchants: merchants, clock: clock, logger: TestDatabase.logger)
                #expect(try await chargingClock.settleLastMonthsAccruals() == 0, "October is not over")
                clock.advance(seconds: 23 * 86_400)  // 2026-11-02
                #expect(try await chargingClock.settleLastMonthsAccruals() == 1)
                try await ProjectionMaintenance(log: log, logger: TestDatabase.logger).rebuild("settlement_accruals")
                #expect(try await chargingClock.settleLastMonthsAccruals() == 0, "settled once")

                let statements = try await log.read(stream: .wallet(call.shopperId)).filter { $0.type == SettlementStatement.eventType }
                #expect(statements.count == 1)
                let statement = try #require(try statements.first?.data.decode(as: SettlementStatement.self))
                #expect(statement.period == "2026-10" && statement.lines.map(\.callId) == [call.id] && statement.totalMicros == 132_000)
                let ledger = try await Self.ledger(log)
                #expect(ledger.balance(of: .accruedCharges(shopperId: call.shopperId, merchantId: call.merchantId), currency: Self.eur) == 0)
                #expect(ledger.balance(of: .merchantReceivable(merchantId: call.merchantId), currency: Self.eur) == 118_800)
                #expect(ledger.debitsEqualCredits().isEmpty)
            }
        }
    }
}
