import Crypto
import Domain
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// The agent's side: `GET /v1/agent/calls` lists the merchant's requested calls, each with
/// where it stands, the shopper's cart and preferred mode (the screen pop), for the agent console at
/// `/agent`. Authorised by the merchant's agent token (from the admin API).
struct AgentRoutes {
    let services: WebServices

    func add(to table: inout RouteTable) {
        table.add(.get, "/v1/agent/calls") { request, _ in
            let merchantId = try authorize(request)
            let calls = try await services.offers.calls(ofMerchant: merchantId)
            return try APIResponse.json(AgentCallList(merchantId: merchantId, calls: calls.map { AgentCallView(call: $0.call, state: $0.state, cart: $0.cart) })).response
        }
        table.add(.get, "/v1/admin/merchants/{merchantId}/agent-token") { request, context in
            try AdminRoutes(services: services).authorizeAdmin(request)
            let id = try context.stringParameter("merchantId")
            guard try await services.merchants.merchant(id) != nil else { throw Problem.notFound("no merchant \(id)") }
            let token = services.agentToken.token(for: id)
            return try APIResponse.json(["merchantId": id, "agentToken": token, "console": "/agent#token=\(token)"]).response
        }
    }

    private func authorize(_ request: Request) throws -> String {
        guard let merchantId = request.bearerToken.flatMap(services.agentToken.merchantId(from:)) else {
            throw Problem.unauthorized(realm: "cartline-agent", needs: "the merchant's agent token")
        }
        return merchantId
    }
}
