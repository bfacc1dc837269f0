import Foundation
import HTTPTypes
import Testing
import WebAPI

/// Issue 14: every route that needs a credential refuses a request without one and with a
/// wrong one — found from the route table itself, so a new route cannot be forgotten — and
/// a shopper never reaches another shopper's resources.
@Suite("Authorization across every route")
struct AuthorizationSweepTests {
    /// A concrete path for a route template: real ids where the route needs one to exist.
    static func concrete(_ template: String) -> String {
        template.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            guard segment.hasPrefix("{") else { return String(segment) }
            switch segment {
            case "{merchantId}": return "demo-shop"
            case "{agentName}": return "Dana"
            case "{login}": return "ann"
            case "{secretId}": return "ws_0123456789ab"
            default: return UUID().uuidString.lowercased()
            }
        }.joined(separator: "/")
    }

    /// Which credential a route needs, by its place in the API.
    enum Guard: String {
        case admin, agent, merchantUser, shopperToken, metrics
    }

    static func guardOf(_ method: HTTPRequest.Method, _ path: String) -> Guard? {
        if path == "/metrics" { return .metrics }
        if path.hasPrefix("/v1/admin/") || path == "/v1/admin/merchants" { return .admin }
        if path.hasPrefix("/v1/agent/"), !["/v1/agent/sign-in", "/v1/agent/sign-out"].contains(path) { return .agent }
        if path.hasPrefix("/v1/merchant/"), !["/v1/merchant/sign-in", "/v1/merchant/sign-out", "/v1/merchant/password"].contains(path) {
            return .merchantUser
        }
        if path.hasPrefix("/v1/widget/"), method != .options { return .shopperToken }
        return nil
    }

    @Test func everyGuardedRouteRefusesNoCredentialAndAWrongOne() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            var checked: [Guard: Int] = [:]
            for route in try WebApplication.routeTable(harness.services).routes {
                guard let guarding = Self.guardOf(route.method, route.path) else { continue }
                let path = Self.concrete(route.path)
                let body: Any? = [.post, .put].contains(route.method) ? ["x": 1] : nil
                let wrong: [String: String] = switch guarding {
                case .admin, .metrics: ["Authorization": "Bearer not-the-token-0123456789"]
                case .agent: ["Cookie": "cartline_agent=v1.eyJ4IjoxfQ.bm90LWEtbWFj"]
                case .merchantUser: ["Cookie": "cartline_merchant=v1.eyJ4IjoxfQ.bm90LWEtbWFj"]
                case .shopperToken: ["Authorization": "Shopper v1.eyJ4IjoxfQ.bm90LWEtbWFj"]
                }
                for headers in [[:], wrong] {
                    let answer = try await harness.shopper().send(route.method, path, json: body, headers: headers)
                    #expect(answer.status == 401, "\(route.method) \(route.path) with \(headers.isEmpty ? "nothing" : "a wrong credential") answered \(answer.status): \(answer.text.prefix(200))")
                }
                checked[guarding, default: 0] += 1
            }
            // The sweep saw every kind of guard (the table holds them all).
            #expect(checked[.admin, default: 0] >= 10 && checked[.agent, default: 0] >= 4 && checked[.merchantUser, default: 0] >= 10
                    && checked[.shopperToken, default: 0] >= 10 && checked[.metrics] == 1, "\(checked)")
        }
    }

    @Test func aShopperReachesNoOtherShoppersResources() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let owner = harness.shopper()
            let cartId = try #require(try await owner.send(.post, "/v1/carts", json: ["merchantId": "demo-shop"]).json["id"] as? String)
            _ = try await owner.send(.post, "/v1/carts/\(cartId)/items", json: ["sku": "grinder", "quantity": 1])
            _ = try await owner.send(.put, "/v1/preferences", json: ["mode": "pstn", "phone": "+4930123456", "consent": true])
            let callId = try #require((try await owner.send(.post, "/v1/help").json["call"] as? [String: Any])?["callId"] as? String)
            let stranger = harness.shopper()
            _ = try await stranger.send(.get, "/v1/carts")
            let attempts: [(HTTPRequest.Method, String, Any?)] = [
                (.get, "/v1/carts/\(cartId)", nil), (.post, "/v1/carts/\(cartId)/items", ["sku": "grinder", "quantity": 1]),
                (.patch, "/v1/carts/\(cartId)/items/grinder", ["quantity": 3]), (.delete, "/v1/carts/\(cartId)/items/grinder", nil),
                (.post, "/v1/carts/\(cartId)/checkout", nil), (.post, "/v1/carts/\(cartId)/checkout/complete", nil),
                (.post, "/v1/carts/\(cartId)/call", nil),
                (.get, "/v1/calls/\(callId)", nil), (.post, "/v1/calls/\(callId)/cancel", nil), (.post, "/v1/calls/\(callId)/voice", nil),
            ]
            for (method, path, body) in attempts {
                let answer = try await stranger.send(method, path, json: body)
                #expect(answer.status == 404, "\(method) \(path) by another shopper answered \(answer.status): \(answer.text.prefix(200))")
            }
            // The owner's cart and call are as they were.
            let cart = try await owner.send(.get, "/v1/carts/\(cartId)")
            #expect(((cart.json["items"] as? [[String: Any]])?.first?["quantity"] as? Int) == 1 && cart.json["status"] as? String == "open")
            #expect(try await owner.send(.get, "/v1/calls/\(callId)").json["status"] as? String == "requested")
        }
    }
}
