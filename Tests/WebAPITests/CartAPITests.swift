import Foundation
import HTTPTypes
import Testing

@Suite("Cart API against a real Postgres")
struct CartAPITests {
    @Test func aFirstVisitGetsASignedHttpOnlySessionCookie() async throws {
        try await WebHarness.run { harness in
            let result = try await harness.shopper().send(.get, "/v1/carts")
            #expect(result.status == 200)
            let session = try #require(result.setCookies.first { $0.name == "cartline_session" })
            #expect(session.value.hasPrefix("v2."))
            #expect(session.attributes.contains("HttpOnly"))
            #expect(session.attributes.contains("SameSite=Lax"))
            #expect(!session.attributes.contains("Secure"))
        }
    }

    @Test func aShopperOpensACartAndAddsItemsAtCatalogPrices() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            let opened = try await shopper.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"])
            #expect(opened.status == 201)
            #expect(opened.etag == "\"1\"")
            let cartId = try #require(opened.json["id"] as? String)
            #expect(opened.headers[.location] == "/v1/carts/\(cartId)")

            let added = try await shopper.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": "grinder", "quantity": 2])
            #expect(added.status == 200)
            #expect(added.etag == "\"2\"")
            let total = try #require(added.json["total"] as? [String: Any])
            #expect(total["amountMicros"] as? Int == 259_000_000)
            #expect(total["display"] as? String == "259.00 EUR")

            // Adding the same sku again adds to its quantity.
            let again = try await shopper.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": "grinder", "quantity": 1])
            let items = try #require(again.json["items"] as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items.first?["quantity"] as? Int == 3)

            let listed = try await shopper.send(.get, "/v1/carts")
            #expect((listed.json["carts"] as? [[String: Any]])?.map { $0["id"] as? String } == [cartId])
            let fetched = try await shopper.send(.get, "/v1/carts/\(cartId)")
            #expect(fetched.etag == "\"3\"")
            #expect(fetched.json["itemCount"] as? Int == 3)
        }
    }

    @Test func badItemsAreRefusedWithTheReason() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            let cartId = try #require(try await shopper.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"]).json["id"] as? String)
            try await shopper.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": "unicorn", "quantity": 1]).expectProblem(422, type: "invalid-request")
            try await shopper.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": "grinder", "quantity": 0]).expectProblem(422)
            try await shopper.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": "grinder", "quantity": 1000]).expectProblem(422)
            try await shopper.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": "grinder", "quantity": 1, "unitPriceMicros": 1])
                .expectProblem(422)
            try await shopper.send(.post, "/v1/carts", json: ["merchantId": "no-such-shop"]).expectProblem(404)
            try await shopper.send(.patch, "/v1/carts/\(cartId)/items/grinder", json: ["quantity": 2]).expectProblem(404)
            try await shopper.send(.delete, "/v1/carts/\(cartId)/items/grinder").expectProblem(404)
        }
    }

    @Test func quantitiesChangeItemsGoAndCheckoutConcludesThePurchase() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            let cartId = try #require(try await shopper.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"]).json["id"] as? String)
            try await shopper.send(.post, "/v1/carts/\(cartId)/checkout").expectProblem(409, type: "conflict")  // empty
            _ = try await shopper.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": "grinder", "quantity": 1])
            _ = try await shopper.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": "beans", "quantity": 1])
            let changed = try await shopper.send(.patch, "/v1/carts/\(cartId)/items/beans", json: ["quantity": 4])
            #expect((changed.json["items"] as? [[String: Any]])?.last?["quantity"] as? Int == 4)
            let removed = try await shopper.send(.delete, "/v1/carts/\(cartId)/items/grinder")
            #expect((removed.json["items"] as? [[String: Any]])?.map { $0["sku"] as? String } == ["beans"])

            let checkout = try await shopper.send(.post, "/v1/carts/\(cartId)/checkout")
            #expect(checkout.json["status"] as? String == "checkingOut")
            try await shopper.send(.post, "/v1/carts/\(cartId)/checkout/complete", json: ["orderRef": ""]).expectProblem(422)
            let done = try await shopper.send(.post, "/v1/carts/\(cartId)/checkout/complete", json: ["orderRef": "ORDER-7"])
            #expect(done.json["status"] as? String == "completed")
            #expect(done.json["orderRef"] as? String == "ORDER-7")
            try await shopper.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": "beans", "quantity": 1]).expectProblem(409)
        }
    }

    @Test func ifMatchMakesAChangeConditionalOnTheVersionTheShopperSaw() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            let cartId = try #require(try await shopper.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"]).json["id"] as? String)
            let first = try await shopper.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": "grinder", "quantity": 1],
                                               headers: ["If-Match": "\"1\""])
            #expect(first.status == 200)
            #expect(first.etag == "\"2\"")
            // A second tab still showing version 1 is told the cart moved on.
            try await shopper.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": "beans", "quantity": 1],
                                   headers: ["If-Match": "\"1\""]).expectProblem(412, type: "stale-version")
            try await shopper.send(.patch, "/v1/carts/\(cartId)/items/grinder", json: ["quantity": 5],
                                   headers: ["If-Match": "garbage"]).expectProblem(412)
            let fetched = try await shopper.send(.get, "/v1/carts/\(cartId)")
            #expect(fetched.etag == "\"2\"")
            #expect((fetched.json["items"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test func concurrentChangesWithoutIfMatchAllLand() async throws {
        try await WebHarness.run { harness in
            let skus = (1...8).map { "sku-\($0)" }
            try await harness.registerMerchant(catalog: skus.map { ($0, 1_000_000) })
            let shopper = harness.shopper()
            let cartId = try #require(try await shopper.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"]).json["id"] as? String)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for sku in skus {
                    group.addTask { try await shopper.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": sku, "quantity": 1]).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 200 })
            let cart = try await shopper.send(.get, "/v1/carts/\(cartId)")
            #expect(Set((cart.json["items"] as? [[String: Any]])?.compactMap { $0["sku"] as? String } ?? []) == Set(skus))
            #expect(cart.etag == "\"9\"")
        }
    }

    @Test func fortyRacingAddsToOneCartAllLand() async throws {
        // Forty at once from one shopper to one cart: they take turns in the process (they
        // used to re-decide against each other and about half gave up with 409).
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            let cartId = try #require(try await shopper.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"]).json["id"] as? String)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 1...40 {
                    group.addTask { try await shopper.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": "beans", "quantity": 1]).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.count == 40 && statuses.allSatisfy { $0 == 200 }, "\(statuses)")
            let cart = try await shopper.send(.get, "/v1/carts/\(cartId)")
            #expect((cart.json["items"] as? [[String: Any]])?.first?["quantity"] as? Int == 40)
            #expect(cart.etag == "\"41\"")
            // If-Match still refuses a stale version.
            try await shopper.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": "beans", "quantity": 1],
                                   headers: ["If-Match": "\"40\""]).expectProblem(412)
        }
    }

    @Test func anIdempotencyKeyReplaysTheFirstAnswerAndAppendsNothingNew() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            let opened = try await shopper.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"], headers: ["Idempotency-Key": "open-1"])
            let replayed = try await shopper.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"], headers: ["Idempotency-Key": "open-1"])
            #expect(replayed.status == 201)
            #expect(replayed.body == opened.body)
            #expect(replayed.headers[.init("Idempotent-Replayed")!] == "true")
            let cartId = try #require(opened.json["id"] as? String)

            let add = ["sku": "grinder", "quantity": 1] as [String: Any]
            let first = try await shopper.send(.post, "/v1/carts/\(cartId)/items", json: add, headers: ["Idempotency-Key": "add-1"])
            let retry = try await shopper.send(.post, "/v1/carts/\(cartId)/items", json: add, headers: ["Idempotency-Key": "add-1"])
            #expect(retry.body == first.body, "\(retry.status) \(retry.text)")
            let cart = try await shopper.send(.get, "/v1/carts/\(cartId)")
            #expect(cart.etag == "\"2\"")  // one CartOpened, one ItemAdded
            #expect((cart.json["items"] as? [Any])?.count == 1)
            #expect(try await shopper.send(.get, "/v1/carts").json["carts"].map { ($0 as? [Any])?.count } == 1)

            try await shopper.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": "grinder", "quantity": 2],
                                   headers: ["Idempotency-Key": "add-1"]).expectProblem(422, type: "idempotency-key-reused")
            // Keys belong to the shopper: another shopper's same key is a new request.
            let other = harness.shopper()
            let theirs = try await other.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"], headers: ["Idempotency-Key": "open-1"])
            #expect(theirs.status == 201)
            #expect(theirs.json["id"] as? String != cartId)
        }
    }

    @Test func aRetryWithTheSameJSONInAnotherKeyOrderIsTheSameRequest() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            let cartId = try #require(try await shopper.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"]).json["id"] as? String)
            let first = try await shopper.send(.post, "/v1/carts/\(cartId)/items", body: #"{"sku":"grinder","quantity":1}"#,
                                               headers: ["Idempotency-Key": "k-1"])
            let retry = try await shopper.send(.post, "/v1/carts/\(cartId)/items", body: #"{ "quantity": 1, "sku": "grinder" }"#,
                                               headers: ["Idempotency-Key": "k-1"])
            #expect(retry.status == 200)
            #expect(retry.body == first.body)
            #expect(try await shopper.send(.get, "/v1/carts/\(cartId)").etag == "\"2\"")
        }
    }

    @Test func anotherShoppersCartAnswersExactlyLikeAMissingOne() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let owner = harness.shopper()
            let cartId = try #require(try await owner.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"]).json["id"] as? String)
            let intruder = harness.shopper()
            let theirs = try await intruder.send(.get, "/v1/carts/\(cartId)")
            let missing = try await intruder.send(.get, "/v1/carts/\(UUID().uuidString.lowercased())")
            theirs.expectProblem(404)
            #expect(theirs.json["detail"] as? String == missing.json["detail"] as? String)
            try await intruder.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": "grinder", "quantity": 1]).expectProblem(404)
            try await intruder.send(.post, "/v1/carts/\(cartId)/checkout").expectProblem(404)
            #expect((try await intruder.send(.get, "/v1/carts").json["carts"] as? [Any])?.isEmpty == true)
            try await intruder.send(.get, "/v1/carts/not-a-uuid").expectProblem(404)
            // The owner's cart is untouched.
            #expect(try await owner.send(.get, "/v1/carts/\(cartId)").etag == "\"1\"")
        }
    }

    @Test func aTamperedSessionCookieStartsANewShopper() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            let cartId = try #require(try await shopper.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"]).json["id"] as? String)
            let session = try #require(await shopper.cookies["cartline_session"])
            // Same shopper id, forged signature.
            let forged = session.split(separator: ".").prefix(2).joined(separator: ".") + ".AAAA"
            await shopper.setCookie("cartline_session", forged)
            let result = try await shopper.send(.get, "/v1/carts/\(cartId)")
            result.expectProblem(404)
            let fresh = try #require(result.setCookies.first { $0.name == "cartline_session" })
            #expect(fresh.value != session)
            for garbage in ["", "v1", "v1.x.y", String(repeating: "a", count: 300), "v2.\(UUID().uuidString).abc"] {
                await shopper.setCookie("cartline_session", garbage)
                #expect(try await shopper.send(.get, "/v1/carts").status == 200)
            }
        }
    }
}
