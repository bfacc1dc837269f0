import Crypto
import Domain
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// The agent's side: `GET /v1/agent/calls` lists the merchant's requested calls, each with
/// the shopper's cart and preferred mode (the screen pop), for the agent console at
/// `/agent`. Authorised by the merchant's agent token (from the admin API).
struct AgentRoutes {
    let services: WebServices

    func add(to table: inout RouteTable) {
        table.add(.get, "/v1/agent/calls") { request, _ in
            let merchantId = try authorize(request)
            let calls = try await services.offers.calls(ofMerchant: merchantId)
            return try APIResponse.json(AgentCallList(merchantId: merchantId, calls: calls.map { AgentCallView(call: $0.call, cart: $0.cart) })).response
        }
        table.add(.get, "/v1/admin/merchants/{merchantId}/agent-token") { request, context in
            try AdminRoutes(services: services).authorizeAdmin(request)
            let id = try context.stringParameter("merchantId")
            guard try await services.merchants.merchant(id) != nil else { throw Problem.notFound("no merchant \(id)") }
            return try APIResponse.json(["merchantId": id, "agentToken": services.agentToken.token(for: id), "console": "/agent#token=\(services.agentToken.token(for: id))"]).response
        }
    }

    private func authorize(_ request: Request) throws -> String {
        let header = request.headers[.authorization] ?? ""
        let presented = header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : ""
        guard let merchantId = services.agentToken.merchantId(from: presented) else {
            var problem = Problem(.unauthorized, "unauthorized", title: "Unauthorized", detail: "this route needs the merchant's agent token")
            problem.headers[.wwwAuthenticate] = "Bearer realm=\"cartline-agent\""
            throw problem
        }
        return merchantId
    }
}
