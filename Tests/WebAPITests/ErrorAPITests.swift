import Foundation
import HTTPTypes
import Testing

@Suite("Bad input: always a problem+json 4xx, never a 5xx")
struct ErrorAPITests {
    @Test func malformedBodiesGetTheRightStatusAndAMessageNamingTheField() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            let cartId = try #require(try await shopper.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"]).json["id"] as? String)
            let path = "/v1/carts/\(cartId)/items"
            try await shopper.send(.post, path, body: "").expectProblem(400, type: "malformed-request")
            try await shopper.send(.post, path, body: "{\"sku\":").expectProblem(400)
            try await shopper.send(.post, path, body: "[1,2]").expectProblem(422)
            try await shopper.send(.post, path, body: "null").expectProblem(422)
            let wrongType = try await shopper.send(.post, path, body: #"{"sku":"grinder","quantity":"2"}"#)
            wrongType.expectProblem(422)
            #expect((wrongType.json["detail"] as? String)?.contains("quantity") == true)
            let missing = try await shopper.send(.post, path, body: #"{"sku":"grinder"}"#)
            #expect((missing.json["detail"] as? String)?.contains("missing field 'quantity'") == true)
            try await shopper.send(.post, path, body: #"{"sku":"grinder","quantity":1.5}"#).expectProblem(422)
            try await shopper.send(.post, path, body: #"{"sku":"grinder","quantity":99999999999999999999999}"#).expectProblem(422)
            try await shopper.send(.post, path, body: #"{"sku":null,"quantity":1}"#).expectProblem(422)
            try await shopper.send(.post, path, body: #"{"sku":"\u0000","quantity":1}"#).expectProblem(422)
            let huge = "{\"sku\":\"" + String(repeating: "a", count: 70_000) + "\",\"quantity\":1}"
            try await shopper.send(.post, path, body: huge).expectProblem(413, type: "body-too-large")
            try await shopper.send(.post, "/v1/carts", json: ["merchantId": String(repeating: "x", count: 5000)]).expectProblem(404)
            try await shopper.send(.patch, "/v1/carts/\(cartId)/items/%00%ff", json: ["quantity": 1]).expectProblem(404)
            try await shopper.send(.post, path, json: ["sku": "grinder", "quantity": 1], headers: ["Idempotency-Key": String(repeating: "k", count: 300)])
                .expectProblem(400)
        }
    }

    @Test func unknownRoutesAre404AndWrongMethods405WithAllow() async throws {
        try await WebHarness.run { harness in
            let client = harness.shopper()
            try await client.send(.get, "/v1/nothing-here").expectProblem(404)
            try await client.send(.get, "/../../etc/passwd").expectProblem(404)
            let wrong = try await client.send(.delete, "/v1/carts")
            wrong.expectProblem(405, type: "method-not-allowed")
            #expect(wrong.headers[.allow]?.contains("GET") == true)
            #expect(wrong.headers[.allow]?.contains("POST") == true)
            try await client.send(.put, "/v1/merchants").expectProblem(405)
            #expect(try await client.send(.get, "/v1/carts").headers[.init("X-Request-ID")!]?.isEmpty == false)
        }
    }

    @Test func aClientRequestIdIsEchoedAndAGarbageOneReplaced() async throws {
        try await WebHarness.run { harness in
            let client = harness.shopper()
            let echoed = try await client.send(.get, "/v1/merchants", headers: ["X-Request-ID": "trace-42"])
            #expect(echoed.headers[.init("X-Request-ID")!] == "trace-42")
            let replaced = try await client.send(.get, "/v1/merchants", headers: ["X-Request-ID": "bad id with spaces"])
            #expect(replaced.headers[.init("X-Request-ID")!] != "bad id with spaces")
        }
    }
}
