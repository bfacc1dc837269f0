import Foundation
import HTTPTypes
import Testing

@Suite("Body errors name the field and say what to write")
struct JSONBodyMessageTests {
    @Test func numbersTypesAndMissingFieldsGetPlainWords() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            let cartId = try #require(try await shopper.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"]).json["id"] as? String)
            let path = "/v1/carts/\(cartId)/items"
            let cases: [(String, Int, String)] = [
                (#"{"sku":"grinder","quantity":1.5}"#, 422, "'quantity' must be a whole number such as 2"),
                (#"{"sku":"grinder","quantity":99999999999999999999999}"#, 422, "'quantity' must be a whole number"),
                (#"{"sku":"grinder","quantity":"2"}"#, 422, "'quantity' must be a whole number"),
                (#"{"sku":7,"quantity":1}"#, 422, "'sku' must be text in quotes"),
                (#"{"sku":null,"quantity":1}"#, 422, "'sku' must be text in quotes, not null"),
                (#"{"sku":"grinder"}"#, 422, "missing field 'quantity'; add it to the body"),
                (#"{"sku":"grinder","quantity":1,"gift":true}"#, 422, "unknown field 'gift'; remove it (the fields are quantity, sku)"),
                (#"[1,2]"#, 422, "the body must be a JSON object"),
                ("", 400, "the request needs a JSON object as its body"),
                (#"{"sku":"#, 400, "the body is not valid JSON; check its quotes, commas and brackets"),
            ]
            for (body, status, detail) in cases {
                let result = try await shopper.send(.post, path, body: body)
                result.expectProblem(status)
                #expect((result.json["detail"] as? String)?.contains(detail) == true, "\(body): \(result.json["detail"] ?? "no detail")")
            }
        }
    }
}
