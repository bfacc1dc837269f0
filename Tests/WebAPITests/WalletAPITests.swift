import Billing
import CartlineTestSupport
import Domain
import Engine
import EventLog
import Foundation
import HTTPTypes
import PostgresNIO
import Testing
import WebAPI

@Suite("Wallet and invoices: top-ups, usage, monthly ASP invoices")
struct WalletAPITests {
    static let admin = ["Authorization": "Bearer \(WebHarness.adminToken)"]

    @Test func aTopUpFillsTheWalletOncePerIdempotencyKey() async throws {
        try await WebHarness.run { harness in
            let shopper = harness.shopper()
            let empty = try await shopper.send(.get, "/v1/wallet")
            #expect(empty.status == 200)
            #expect((empty.json["balances"] as? [Any])?.isEmpty == true)

            let body: [String: Any] = ["amountMicros": 5_000_000, "currency": "EUR"]
            let first = try await shopper.send(.post, "/v1/wallet/top-ups", json: body, headers: ["Idempotency-Key": "top-up-1"])
            #expect(first.status == 201, "\(first.text)")
            let again = try await shopper.send(.post, "/v1/wallet/top-ups", json: body, headers: ["Idempotency-Key": "top-up-1"])
            #expect(again.status == 201)
            _ = try await shopper.send(.post, "/v1/wallet/top-ups", json: ["amountMicros": 2_500_000, "currency": "EUR"],
                                       headers: ["Idempotency-Key": "top-up-2"])
            let wallet = try await shopper.send(.get, "/v1/wallet")
            let balance = try #require((wallet.json["balances"] as? [[String: Any]])?.first)
            #expect(balance["balanceMicros"] as? Int == 7_500_000)
            #expect(balance["availableMicros"] as? Int == 7_500_000)
            let recent = try #require(wallet.json["recent"] as? [[String: Any]])
            #expect(recent.map { $0["kind"] as? String } == ["top-up", "top-up"])
            #expect(recent.first?["amountMicros"] as? Int == 2_500_000, "newest first")
            // Another shopper's wallet is their own.
            let other = try await harness.shopper().send(.get, "/v1/wallet")
            #expect((other.json["balances"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func badTopUpsAreRefusedWithAReasonAndChangeNothing() async throws {
        try await WebHarness.run { harness in
            let shopper = harness.shopper()
            try await shopper.send(.post, "/v1/wallet/top-ups", json: ["amountMicros": 0, "currency": "EUR"]).expectProblem(422)
            try await shopper.send(.post, "/v1/wallet/top-ups", json: ["amountMicros": 1_000_000_001, "currency": "EUR"]).expectProblem(422)
            try await shopper.send(.post, "/v1/wallet/top-ups", json: ["amountMicros": 100, "currency": "EURO"]).expectProblem(422)
            try await shopper.send(.post, "/v1/wallet/top-ups", json: ["amountMicros": 100, "currency": "EUR", "extra": 1]).expectProblem(422)
            try await shopper.send(.post, "/v1/wallet/top-ups", body: "{\"amountMicros\": 1").expectProblem(400)
            let wallet = try await shopper.send(.get, "/v1/wallet")
            #expect((wallet.json["balances"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func aMerchantsCallsAreInvoicedMonthlyUpToItsCommitmentOnce() async throws {
        try await WebHarness.run { harness in
            var merchant = WebHarness.merchantJSON("asp-shop")
            merchant["pricing"] = ["payer": "merchant", "perMinuteMicros": 120_000, "billingIncrementSeconds": 6, "setupFeeMicros": 0,
                                   "monthlyCommitmentMicros": 1_000_000, "platformFeeBasisPoints": 1_000]
            let registered = try await harness.shopper().send(.post, "/v1/admin/merchants", json: merchant, headers: Self.admin)
            #expect(registered.status == 201, "\(registered.text)")
            // A 61-second call in October 2026, paid by the merchant: 66 s billed = €0.132.
            let callId = UUID()
            let october = Date(timeIntervalSince1970: 1_791_619_200)  // 2026-10-10T08:00:00Z
            let terms = ChargeTerms(payer: .merchant, currency: try Currency("EUR"), perMinuteMicros: 120_000, billingIncrementSeconds: 6,
                                    setupFeeMicros: 0, minimumChargeMicros: 0, platformFeeBasisPoints: 1_000)
            let request = CallRequested(callId: callId, offerId: nil, cartId: UUID(), shopperId: UUID(), merchantId: "asp-shop", mode: .voip,
                                        destination: "sip:a@127.0.0.1", agentName: "Dana", agentSipUri: "sip:dana@127.0.0.1", at: october, charge: terms)
            let ended = CallEnded(callId: callId, cause: "agent-hangup", sipStatus: nil, answeredMilliseconds: 64_000, billableMilliseconds: 61_000,
                                  at: october.addingTimeInterval(70))
            var batch: [RecordedEvent] = []
            for event in [CallEvent.requested(request), .ended(ended)] {
                let result = try await harness.log.append(to: .call(callId), [try event.encodedForLog().newEvent(id: UUID())], expected: .any)
                batch += try await harness.log.read(stream: .call(callId), from: result.streamVersion)
            }
            try await harness.database.client.withConnection { connection in
                try await ChargingSagaConsumer(store: harness.services.store, logger: TestDatabase.logger)
                    .apply(batch, connection: connection, logger: TestDatabase.logger)
            }
            try await ProjectionMaintenance(log: harness.log, logger: TestDatabase.logger).rebuild("call_charges")

            let usage = try await harness.shopper().send(.get, "/v1/admin/merchants/asp-shop/usage?month=2026-10", headers: Self.admin)
            #expect(usage.status == 200, "\(usage.text)")
            #expect(usage.json["callCount"] as? Int == 1)
            let lines = try #require(usage.json["lines"] as? [[String: Any]])
            #expect(lines.first?["amountMicros"] as? Int == 132_000)
            #expect(lines.last?["kind"] as? String == "minimumCommitment")
            #expect(lines.last?["amountMicros"] as? Int == 868_000)
            #expect(usage.json["totalMicros"] as? Int == 1_000_000)
            #expect(usage.json["issued"] as? Bool == false)

            let issued = try await harness.shopper().send(.post, "/v1/admin/merchants/asp-shop/invoices", json: ["month": "2026-10"], headers: Self.admin)
            #expect(issued.status == 201, "\(issued.text)")
            #expect(issued.json["issued"] as? Bool == true)
            let reissued = try await harness.shopper().send(.post, "/v1/admin/merchants/asp-shop/invoices", json: ["month": "2026-10"], headers: Self.admin)
            #expect(reissued.json["issuedAt"] as? String == issued.json["issuedAt"] as? String, "issued once")
            let list = try await harness.shopper().send(.get, "/v1/admin/merchants/asp-shop/invoices", headers: Self.admin)
            #expect((list.json["invoices"] as? [Any])?.count == 1)
            #expect(try await harness.log.read(stream: try .invoices("asp-shop")).count == 1)

            // A month not over, a malformed month, an unknown merchant, no token.
            let thisMonth = try #require(InvoicePeriod.containing(Date())).description
            try await harness.shopper().send(.post, "/v1/admin/merchants/asp-shop/invoices", json: ["month": thisMonth], headers: Self.admin).expectProblem(409)
            try await harness.shopper().send(.post, "/v1/admin/merchants/asp-shop/invoices", json: ["month": "2026-13"], headers: Self.admin).expectProblem(422)
            try await harness.shopper().send(.get, "/v1/admin/merchants/asp-shop/usage?month=october", headers: Self.admin).expectProblem(422)
            try await harness.shopper().send(.get, "/v1/admin/merchants/no-such-shop/invoices", headers: Self.admin).expectProblem(404)
            try await harness.shopper().send(.get, "/v1/admin/merchants/asp-shop/invoices").expectProblem(401)
        }
    }
}
