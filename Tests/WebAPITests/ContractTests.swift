import Foundation
import HTTPTypes
import Testing
import WebAPI

@Suite("openapi.yaml is the contract")
struct ContractTests {
    @Test func everyRegisteredRouteIsDocumentedAndEveryDocumentedRouteRegistered() async throws {
        try await WebHarness.run { harness in
            let registered = Set(try WebApplication.routeTable(harness.services).routes.map { "\($0.method.rawValue) \($0.path)" })
            let documented = Set(harness.contract.operations.keys)
            #expect(registered.subtracting(documented).isEmpty, "not in openapi.yaml: \(registered.subtracting(documented).sorted())")
            #expect(documented.subtracting(registered).isEmpty, "documented but not served: \(documented.subtracting(registered).sorted())")
        }
    }

    @Test func theSchemaCheckerRejectsWhatTheDocumentForbids() throws {
        let contract = try OpenAPIContract.load()
        let cart = OpenAPIContract.Schema.ref("Cart")
        #expect(!contract.validate(["id": "x"], against: cart, at: "cart").isEmpty)
        #expect(!contract.validate(["status": 418, "title": "t", "type": "t", "detail": "d", "extra": 1], against: .ref("Problem"), at: "p").isEmpty)
        #expect(contract.validate(["status": 418, "title": "t", "type": "t", "detail": "d"], against: .ref("Problem"), at: "p").isEmpty)
        #expect(!contract.violations(method: "GET", path: "/v1/carts", status: 418, contentType: nil, body: Data()).isEmpty)
    }
}
