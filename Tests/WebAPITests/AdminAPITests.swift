import Foundation
import HTTPTypes
import Testing

@Suite("Merchant administration and the public merchant list")
struct AdminAPITests {
    static let auth = ["Authorization": "Bearer \(WebHarness.adminToken)"]

    @Test func adminRoutesNeedTheBearerToken() async throws {
        try await WebHarness.run { harness in
            let client = harness.shopper()
            let body = WebHarness.merchantJSON("shop-a")
            let missing = try await client.send(.post, "/v1/admin/merchants", json: body)
            missing.expectProblem(401, type: "unauthorized")
            #expect(missing.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            try await client.send(.post, "/v1/admin/merchants", json: body, headers: ["Authorization": "Bearer wrong-token-000000000"]).expectProblem(401)
            try await client.send(.get, "/v1/admin/merchants/shop-a", headers: ["Authorization": "Basic abc"]).expectProblem(401)
            #expect((try await client.send(.get, "/v1/merchants").json["merchants"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func aRegisteredMerchantIsListedWithItsCatalog() async throws {
        try await WebHarness.run { harness in
            let client = harness.shopper()
            let created = try await client.send(.post, "/v1/admin/merchants", json: WebHarness.merchantJSON("shop-a", name: "Shop A"), headers: Self.auth)
            #expect(created.status == 201)
            #expect(created.etag == "\"1\"")
            try await client.send(.post, "/v1/admin/merchants", json: WebHarness.merchantJSON("shop-a"), headers: Self.auth).expectProblem(409)
            let listed = try await client.send(.get, "/v1/merchants")
            #expect((listed.json["merchants"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Shop A"])
            let catalog = try await client.send(.get, "/v1/merchants/shop-a/catalog")
            let item = try #require((catalog.json["items"] as? [[String: Any]])?.first)
            #expect(item["sku"] as? String == "grinder")
            #expect((item["unitPrice"] as? [String: Any])?["amountMicros"] as? Int == 129_500_000)
            try await client.send(.get, "/v1/merchants/nobody/catalog").expectProblem(404)
            try await client.send(.get, "/v1/merchants/NOT_VALID/catalog").expectProblem(404)
        }
    }

    @Test func updatesAreVersionedAndTheCurrencyCannotChange() async throws {
        try await WebHarness.run { harness in
            let client = harness.shopper()
            _ = try await client.send(.post, "/v1/admin/merchants", json: WebHarness.merchantJSON("shop-a"), headers: Self.auth)
            let renamed = WebHarness.merchantJSON(nil, name: "Shop A, renamed", catalog: [("grinder", 99_000_000), ("kettle", 45_000_000)])
            let updated = try await client.send(.put, "/v1/admin/merchants/shop-a", json: renamed, headers: Self.auth.merging(["If-Match": "\"1\""]) { $1 })
            #expect(updated.status == 200)
            #expect(updated.etag == "\"2\"")
            try await client.send(.put, "/v1/admin/merchants/shop-a", json: renamed, headers: Self.auth.merging(["If-Match": "\"1\""]) { $1 })
                .expectProblem(412)
            try await client.send(.put, "/v1/admin/merchants/shop-a", json: WebHarness.merchantJSON(nil, currency: "USD"), headers: Self.auth)
                .expectProblem(409)
            try await client.send(.put, "/v1/admin/merchants/nobody", json: renamed, headers: Self.auth).expectProblem(404)
            try await client.send(.put, "/v1/admin/merchants/shop-a", json: WebHarness.merchantJSON("shop-b"), headers: Self.auth).expectProblem(422)
            let fetched = try await client.send(.get, "/v1/admin/merchants/shop-a", headers: Self.auth)
            #expect((fetched.json["merchant"] as? [String: Any])?["name"] as? String == "Shop A, renamed")
            // The new price is what a cart gets from now on.
            let cartId = try #require(try await client.send(.post, "/v1/carts", json: ["merchantId": "shop-a"]).json["id"] as? String)
            let added = try await client.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": "kettle", "quantity": 1])
            #expect((added.json["total"] as? [String: Any])?["amountMicros"] as? Int == 45_000_000)
        }
    }

    @Test func invalidMerchantConfigurationIsRefusedWithTheReason() async throws {
        try await WebHarness.run { harness in
            let client = harness.shopper()
            var cases: [[String: Any]] = []
            cases.append(WebHarness.merchantJSON("Bad Id"))
            cases.append(WebHarness.merchantJSON("shop-a", currency: "euro"))
            cases.append(WebHarness.merchantJSON("shop-a", catalog: [("grinder", -1)]))
            cases.append(WebHarness.merchantJSON("shop-a", catalog: [("grinder", 1), ("grinder", 2)]))
            cases.append(WebHarness.merchantJSON("shop-a", catalog: [("bad sku!", 1)]))
            var badAgent = WebHarness.merchantJSON("shop-a")
            badAgent["agents"] = [["name": "Dana", "sipUri": "dana"]]
            cases.append(badAgent)
            var badRules = WebHarness.merchantJSON("shop-a")
            badRules["engagement"] = ["idleThresholdSeconds": 1]
            cases.append(badRules)
            var badPayer = WebHarness.merchantJSON("shop-a")
            badPayer["pricing"] = ["payer": "nobody", "perMinuteMicros": 1, "billingIncrementSeconds": 1, "setupFeeMicros": 0]
            cases.append(badPayer)
            cases.append(WebHarness.merchantJSON(nil))
            for body in cases {
                try await client.send(.post, "/v1/admin/merchants", json: body, headers: Self.auth).expectProblem(422)
            }
            #expect((try await client.send(.get, "/v1/merchants").json["merchants"] as? [Any])?.isEmpty == true)
        }
    }
}
