import Billing
import Domain
import EventLog
import Foundation

/// A small, consistent log written through the real EventLog: carts offered a call and held
/// out, and calls paid by a shopper (top-up, hold, post), a merchant (transfer) and a
/// sponsor (transfer), a failed call whose hold is voided, and a free call of a merchant
/// whose name needs CSV quoting. Amounts: 0.60 EUR a minute, 10 % platform fee.
struct FinanceFixture: Sendable {
    static let quotedMerchant = "Quote \"Q\", Inc"

    let shopperId = UUID()
    let shopperCallId = UUID()
    let merchantCallId = UUID()
    let sponsorCallId = UUID()
    let failedCallId = UUID()
    let freeCallId = UUID()
    /// Offered, offered, offered, holdout, holdout; the first two and the fourth check out.
    let cartIds = (0..<5).map { _ in UUID() }
    let eur: Currency

    init() throws { eur = try Currency("EUR") }

    var walletStream: String { "wallet-\(shopperId.uuidString.lowercased())" }

    func terms(_ payer: ChargeTerms.Payer) -> ChargeTerms {
        ChargeTerms(payer: payer, currency: eur, perMinuteMicros: 600_000, billingIncrementSeconds: 1, setupFeeMicros: 0,
                    minimumChargeMicros: 0, platformFeeBasisPoints: 1_000)
    }

    /// Writes everything except the shopper-paid call's `HoldPosted` (see `postShopperCall`).
    func write(_ log: EventLog) async throws {
        let now = Date()
        let expires = now.addingTimeInterval(3_600)
        try await append(log, walletStream, [try event(FundsTransferred(
            postingId: "topup-1", callId: nil, currency: eur,
            legs: [PostingLeg(debit: .settlement, credit: .shopperWallet(shopperId: shopperId), amountMicros: 10_000_000)],
            reason: .topUp, at: now))])

        // Carts: three offered, two held out.
        let checkouts: [Int64?] = [50_000_000, 30_000_000, nil, 20_000_000, nil]
        for (index, cartId) in cartIds.enumerated() {
            let id = cartId.uuidString.lowercased()
            var cartEvents = [try decoded(CartOpened.self, [
                "cartId": id, "shopperId": shopperId.uuidString.lowercased(), "merchantId": "acme", "currency": "EUR", "openedAt": iso(now),
            ])]
            if let total = checkouts[index] {
                cartEvents.append(try event(CheckoutCompleted(orderRef: "order-\(index)", total: Money(amountMicros: total, currency: eur), at: now)))
            }
            let holdout = index >= 3
            let evaluation = try decoded(EngagementEvaluated.self, [
                "cartId": id, "cause": UUID().uuidString.lowercased(), "at": iso(now),
                "decision": ["offer": !holdout, "reasons": holdout ? ["holdout"] : [], "expectedGainMicros": 1_000],
            ])
            var engagement = [evaluation]
            if !holdout {
                engagement.append(try decoded(CallOffered.self, [
                    "offerId": UUID().uuidString.lowercased(), "cartId": id, "shopperId": shopperId.uuidString.lowercased(),
                    "merchantId": "acme", "cause": UUID().uuidString.lowercased(), "expiresAt": iso(expires), "at": iso(now),
                    "charge": try jsonObject(terms(.shopper)),
                ]))
            }
            try await append(log, "engagement-\(id)", engagement)
            // The checkout comes after the evaluation, as in the live system.
            try await append(log, "cart-\(id)", cartEvents)
        }

        // Shopper pays: hold, then the call; the post comes later.
        let shopperPlan = try ChargePlan(payer: .shopper, shopperId: shopperId, merchantId: "acme", platformFeeBasisPoints: 1_000)
        try await append(log, walletStream, [try event(shopperPlan.holdPlaced(
            postingId: "hold-a", holdId: "hold-a", callId: shopperCallId, amountMicros: 2_000_000, currency: eur, expiresAt: expires, at: now))])
        try await call(log, shopperCallId, merchant: "acme", terms: terms(.shopper), billableMilliseconds: 65_000, at: now)

        // Merchant pays (ASP usage) and a sponsor pays: transfers in charges-<callId>.
        try await call(log, merchantCallId, merchant: "acme", terms: terms(.merchant), billableMilliseconds: 30_000, at: now)
        let merchantPlan = try ChargePlan(payer: .merchant, shopperId: shopperId, merchantId: "acme", platformFeeBasisPoints: 1_000)
        if let posting = try merchantPlan.posting(postingId: "charge-b", callId: merchantCallId, chargeMicros: 300_000, currency: eur, at: now) {
            try await append(log, "charges-\(merchantCallId.uuidString.lowercased())", [try event(posting)])
        }
        try await call(log, sponsorCallId, merchant: "bolt", terms: terms(.sponsor("bigbank")), billableMilliseconds: 120_000, at: now)
        let sponsorPlan = try ChargePlan(payer: .sponsor("bigbank"), shopperId: shopperId, merchantId: "bolt", platformFeeBasisPoints: 1_000)
        if let posting = try sponsorPlan.posting(postingId: "charge-c", callId: sponsorCallId, chargeMicros: 1_200_000, currency: eur, at: now) {
            try await append(log, "charges-\(sponsorCallId.uuidString.lowercased())", [try event(posting)])
        }

        // A failed call: its hold is voided.
        try await append(log, walletStream, [try event(shopperPlan.holdPlaced(
            postingId: "hold-d", holdId: "hold-d", callId: failedCallId, amountMicros: 2_000_000, currency: eur, expiresAt: expires, at: now))])
        try await append(log, "call-\(failedCallId.uuidString.lowercased())", [
            try event(request(failedCallId, merchant: "acme", terms: terms(.shopper), at: now)),
            try event(CallFailed(callId: failedCallId, reason: "busy", sipStatus: 486, at: now)),
        ])
        try await append(log, walletStream, [try event(HoldVoided(postingId: "void-d", holdId: "hold-d", callId: failedCallId, currency: eur,
                                                                  reason: "call-failed", at: now))])

        // A free call (no terms) of a merchant whose name has a comma and quotes.
        try await append(log, "call-\(freeCallId.uuidString.lowercased())", [
            try event(request(freeCallId, merchant: Self.quotedMerchant, terms: nil, at: now)),
            try event(CallFailed(callId: freeCallId, reason: "no-answer", sipStatus: 480, at: now)),
        ])
    }

    /// Posts the shopper-paid call's hold: 65 s at 0.60 EUR a minute is 0.65 EUR, 10 % of it to the platform.
    func postShopperCall(_ log: EventLog) async throws {
        let plan = try ChargePlan(payer: .shopper, shopperId: shopperId, merchantId: "acme", platformFeeBasisPoints: 1_000)
        try await append(log, walletStream, [try event(try plan.holdPosted(postingId: "post-a", holdId: "hold-a", callId: shopperCallId,
                                                                          chargeMicros: 650_000, currency: eur, at: Date()))])
    }

    // MARK: - Helpers

    func call(_ log: EventLog, _ callId: UUID, merchant: String, terms: ChargeTerms?, billableMilliseconds: Int64, at: Date) async throws {
        try await append(log, "call-\(callId.uuidString.lowercased())", [
            try event(request(callId, merchant: merchant, terms: terms, at: at)),
            try event(CallAnswered(callId: callId, at: at)),
            try event(CallEnded(callId: callId, cause: "customer-hangup", sipStatus: nil, answeredMilliseconds: billableMilliseconds + 2_000,
                                billableMilliseconds: billableMilliseconds, at: at)),
        ])
    }

    func request(_ callId: UUID, merchant: String, terms: ChargeTerms?, at: Date) -> CallRequested {
        CallRequested(callId: callId, offerId: nil, cartId: cartIds[0], shopperId: shopperId, merchantId: merchant, mode: .voip,
                      destination: "sip:shopper@127.0.0.1", agentName: "Dana", agentSipUri: "sip:dana@127.0.0.1", at: at, charge: terms)
    }

    func append(_ log: EventLog, _ stream: String, _ events: [NewEvent]) async throws {
        _ = try await log.append(to: try StreamName(stream), events, expected: .any)
    }

    func event<Payload: EventPayload>(_ payload: Payload) throws -> NewEvent {
        NewEvent(type: Payload.eventType, schemaVersion: Payload.schemaVersion, data: try JSONPayload(encoding: payload))
    }

    /// A payload of a Domain type without a public initialiser: built from JSON and decoded
    /// as the Domain type (so its shape is checked), then encoded like any other.
    func decoded<Payload: EventPayload>(_ type: Payload.Type, _ fields: [String: Any]) throws -> NewEvent {
        let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        let payload = try JSONPayload(validating: String(decoding: data, as: UTF8.self)).decode(as: Payload.self)
        return try event(payload)
    }

    func jsonObject<Value: Encodable>(_ value: Value) throws -> Any {
        try JSONSerialization.jsonObject(with: try JSONPayload(encoding: value).text.data(using: .utf8) ?? Data())
    }

    func iso(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }
}
