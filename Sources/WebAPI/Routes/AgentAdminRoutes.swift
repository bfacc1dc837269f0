import Domain
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// `/v1/admin/merchants/{merchantId}/agents/{agentName}/…`, behind the admin token: issue a
/// one-time sign-in code for one agent, and revoke every session of an agent at once.
struct AgentAdminRoutes {
    let services: WebServices

    func add(to table: inout RouteTable) {
        table.add(.post, "/v1/admin/merchants/{merchantId}/agents/{agentName}/sign-in-codes") { request, context in
            try AdminRoutes(services: services).authorizeAdmin(request)
            let (merchantId, agentName) = try Self.agent(context)
            let issued = try await mappingAgentAccess {
                try await services.agentConsole.access.issueCode(merchantId: merchantId, agentName: agentName)
            }
            var response = try APIResponse.json(AgentSignInCodeView(merchantId: issued.merchantId, agentName: issued.agentName,
                                                                    code: issued.code.description, expiresAt: issued.expiresAt,
                                                                    console: "/agent"), status: .created)
            response.headers["Cache-Control"] = "no-store"
            return response.response
        }
        table.add(.post, "/v1/admin/merchants/{merchantId}/agents/{agentName}/revoke") { request, context in
            try AdminRoutes(services: services).authorizeAdmin(request)
            let (merchantId, agentName) = try Self.agent(context)
            let revoked = try await mappingAgentAccess {
                try await services.agentConsole.access.revoke(merchantId: merchantId, agentName: agentName)
            }
            return try APIResponse.json(AgentRevokedView(merchantId: merchantId, agentName: revoked.agentName,
                                                         generation: revoked.generation)).response
        }
    }

    /// The path's merchant and agent; names too long to be real name nothing (404).
    static func agent(_ context: ShopperRequestContext) throws -> (merchantId: String, agentName: String) {
        let merchantId = try context.stringParameter("merchantId")
        let agentName = try context.stringParameter("agentName")
        guard (try? Merchant.validateID(merchantId)) != nil else { throw Problem.notFound("no merchant \(merchantId.prefix(40))") }
        guard agentName.count <= 100 else { throw Problem.notFound("no such agent") }
        return (merchantId, agentName)
    }
}
