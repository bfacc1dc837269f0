import Foundation
import HTTPTypes
import Testing

@Suite("Merchant settings through the admin API: codes, required parts, list and retire")
struct MerchantSettingsAPITests {
    static let auth = AdminAPITests.auth

    func register(_ client: APIClient, _ body: [String: Any]) async throws -> APIResult {
        try await client.send(.post, "/v1/admin/merchants", json: body, headers: Self.auth)
    }

    @Test func badCodesAndMissingPartsAreRefusedWithTheReason() async throws {
        try await WebHarness.run { harness in
            let client = harness.shopper()
            var noAgent = WebHarness.merchantJSON("shop-a")
            noAgent["agents"] = [[String: Any]]()
            var missingAgents = WebHarness.merchantJSON("shop-a")
            missingAgents["agents"] = nil
            var badCountry = WebHarness.merchantJSON("shop-a")
            badCountry["country"] = "UK"
            var lowerCountry = WebHarness.merchantJSON("shop-a")
            lowerCountry["country"] = "de"
            var numberCountry = WebHarness.merchantJSON("shop-a")
            numberCountry["country"] = 49
            let cases: [(body: [String: Any], detail: String?)] = [
                (WebHarness.merchantJSON("shop-a", currency: "XYZ"), "XYZ is not an ISO 4217 currency code (e.g. EUR, USD, GBP)"),
                (WebHarness.merchantJSON("shop-a", currency: "eur"), "currency codes are written in capitals: EUR, not 'eur'"),
                (WebHarness.merchantJSON("shop-a", catalog: []), "a merchant needs at least one catalog item"),
                (noAgent, "add at least one sales agent: without one, no offer could be kept"),
                (missingAgents, "missing field 'agents'"),
                (badCountry, "UK is not an ISO 3166-1 alpha-2 country code (e.g. DE, FR, GB)"),
                (lowerCountry, "country codes are written in capitals: DE, not 'de'"),
                (numberCountry, nil),
            ]
            for (body, detail) in cases {
                let answer = try await register(client, body)
                answer.expectProblem(422, type: "invalid-request")
                if let detail { #expect((answer.json["detail"] as? String)?.hasPrefix(detail) == true, "\(answer.text)") }
            }
            // A PUT is held to the same rules.
            #expect(try await register(client, WebHarness.merchantJSON("shop-a")).status == 201)
            try await client.send(.put, "/v1/admin/merchants/shop-a", json: noAgent, headers: Self.auth).expectProblem(422)
            #expect((try await client.send(.get, "/v1/merchants").json["merchants"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test func theCountryIsOptionalAndShownToTheStorefront() async throws {
        try await WebHarness.run { harness in
            let client = harness.shopper()
            var german = WebHarness.merchantJSON("shop-de", currency: "EUR")
            german["country"] = "DE"
            let created = try await register(client, german)
            #expect(created.status == 201)
            #expect((created.json["merchant"] as? [String: Any])?["country"] as? String == "DE")
            #expect(created.json["status"] as? String == "live")
            #expect(try await register(client, WebHarness.merchantJSON("shop-jp", currency: "JPY")).status == 201)
            let listed = try #require(try await client.send(.get, "/v1/merchants").json["merchants"] as? [[String: Any]])
            #expect(listed.map { $0["country"] as? String } == ["DE", nil])
            #expect(try await client.send(.get, "/v1/merchants/shop-de/catalog").json["country"] as? String == "DE")
            #expect(try await client.send(.get, "/v1/merchants/shop-jp/catalog").json["country"] == nil)
            // A PUT without the country removes it.
            let updated = try await client.send(.put, "/v1/admin/merchants/shop-de", json: WebHarness.merchantJSON(nil), headers: Self.auth)
            #expect(updated.status == 200)
            #expect((updated.json["merchant"] as? [String: Any])?["country"] == nil)
        }
    }

    @Test func theAdminListPagesThroughEveryMerchantWithItsStatus() async throws {
        try await WebHarness.run { harness in
            let client = harness.shopper()
            for id in ["shop-a", "shop-b", "shop-c"] { #expect(try await register(client, WebHarness.merchantJSON(id)).status == 201) }
            try await client.send(.get, "/v1/admin/merchants").expectProblem(401)
            let all = try await client.send(.get, "/v1/admin/merchants", headers: Self.auth)
            let entries = try #require(all.json["merchants"] as? [[String: Any]])
            #expect(entries.map { $0["id"] as? String } == ["shop-a", "shop-b", "shop-c"])
            #expect(entries.allSatisfy { $0["status"] as? String == "live" && $0["agents"] as? Int == 1 && $0["catalogItems"] as? Int == 1 })
            #expect(all.json["nextAfter"] == nil)
            let first = try await client.send(.get, "/v1/admin/merchants?limit=2", headers: Self.auth)
            #expect((first.json["merchants"] as? [[String: Any]])?.map { $0["id"] as? String } == ["shop-a", "shop-b"])
            let after = try #require(first.json["nextAfter"] as? String)
            let second = try await client.send(.get, "/v1/admin/merchants?limit=2&after=\(after)", headers: Self.auth)
            #expect((second.json["merchants"] as? [[String: Any]])?.map { $0["id"] as? String } == ["shop-c"])
            #expect(second.json["nextAfter"] == nil)
            for query in ["limit=0", "limit=1001", "limit=many", "after=nobody"] {
                try await client.send(.get, "/v1/admin/merchants?\(query)", headers: Self.auth).expectProblem(422)
            }
        }
    }

    @Test func aRetiredMerchantIsHiddenTakesNoCartsAndKeepsItsOldCartsReadable() async throws {
        try await WebHarness.run { harness in
            let client = harness.shopper()
            #expect(try await register(client, WebHarness.merchantJSON("shop-a", name: "Shop A")).status == 201)
            #expect(try await register(client, WebHarness.merchantJSON("shop-b", name: "Shop B")).status == 201)
            let cartId = try #require(try await client.send(.post, "/v1/carts", json: ["merchantId": "shop-a"]).json["id"] as? String)
            #expect(try await client.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": "grinder", "quantity": 1]).status == 200)

            try await client.send(.post, "/v1/admin/merchants/shop-a/retire").expectProblem(401)
            let retired = try await client.send(.post, "/v1/admin/merchants/shop-a/retire", headers: Self.auth)
            #expect(retired.status == 200)
            #expect(retired.json["status"] as? String == "retired")
            #expect(retired.json["retiredAt"] is String)
            #expect(retired.etag == "\"2\"")
            let again = try await client.send(.post, "/v1/admin/merchants/shop-a/retire", headers: Self.auth)
            #expect(again.status == 200 && again.etag == "\"2\"", "retiring twice appends nothing")
            #expect(again.json["retiredAt"] as? String == retired.json["retiredAt"] as? String)
            try await client.send(.post, "/v1/admin/merchants/nobody/retire", headers: Self.auth).expectProblem(404)
            try await client.send(.post, "/v1/admin/merchants/NOT_VALID/retire", headers: Self.auth).expectProblem(404)

            // Hidden from shoppers, shown to the admin.
            let listed = try await client.send(.get, "/v1/merchants")
            #expect((listed.json["merchants"] as? [[String: Any]])?.map { $0["id"] as? String } == ["shop-b"])
            let admin = try await client.send(.get, "/v1/admin/merchants", headers: Self.auth)
            #expect((admin.json["merchants"] as? [[String: Any]])?.map { $0["status"] as? String } == ["retired", "live"])
            #expect(try await client.send(.get, "/v1/admin/merchants/shop-a", headers: Self.auth).json["status"] as? String == "retired")
            try await client.send(.get, "/v1/merchants/shop-a/catalog").expectProblem(410, type: "merchant-retired")

            // No new carts, no changes to its settings; the old cart is still there.
            let refused = try await client.send(.post, "/v1/carts", json: ["merchantId": "shop-a"])
            refused.expectProblem(409, type: "conflict")
            #expect((refused.json["detail"] as? String)?.contains("has retired") == true)
            try await client.send(.put, "/v1/admin/merchants/shop-a", json: WebHarness.merchantJSON(nil), headers: Self.auth).expectProblem(409)
            let old = try await client.send(.get, "/v1/carts/\(cartId)")
            #expect(old.status == 200)
            #expect(old.json["itemCount"] as? Int == 1)
            #expect(try await client.send(.post, "/v1/carts", json: ["merchantId": "shop-b"]).status == 201)
        }
    }
}
