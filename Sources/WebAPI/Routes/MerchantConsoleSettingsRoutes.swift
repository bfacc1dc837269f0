import Domain
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// What a signed-in merchant user configures, for their own merchant only: the profile
/// (engagement rules, pricing and who pays, agents, allowed origins — the admin PUT's body
/// and ETag/If-Match), agents' sign-in codes and revocation, and webhook secrets (list, add,
/// remove) with the last refused notifications. Another merchant's agent or secret is 404,
/// exactly like one that does not exist.
struct MerchantConsoleSettingsRoutes {
    let services: WebServices
    private var console: MerchantConsole { services.merchantConsole }

    func add(to table: inout RouteTable) {
        table.add(.get, "/v1/merchant/profile") { request, _ in
            let signedIn = try await console.session(of: request)
            let loaded = try await services.merchants.versioned(signedIn.merchantId)
            guard let merchant = loaded.state else { throw Problem.notFound("no merchant \(signedIn.merchantId)") }
            return try APIResponse.json(MerchantAdminView(Versioned(state: merchant, version: loaded.version)), etag: loaded.version).noStore.response
        }
        table.add(.put, "/v1/merchant/profile") { request, _ in
            let signedIn = try await console.session(of: request)
            let input = try await JSONBody.decode(MerchantBody.self, from: request, limit: services.configuration.maxBodyBytes,
                                                  allowedFields: MerchantBody.fields)
            if let bodyId = input.merchantId, bodyId != signedIn.merchantId {
                throw Problem.invalid("merchantId in the body (\(bodyId.prefix(40))) is not your merchant (\(signedIn.merchantId)); leave it out")
            }
            let merchant = try await services.administration.update(signedIn.merchantId, profile: try input.profile(),
                                                                    condition: try ETag.condition(from: request), eventIDs: .random)
            return try APIResponse.json(MerchantAdminView(merchant), etag: merchant.version).noStore.response
        }
        table.add(.post, "/v1/merchant/agents/{agentName}/sign-in-codes") { request, context in
            let signedIn = try await console.session(of: request)
            let agentName = try Self.agentName(context)
            let issued = try await mappingAgentAccess {
                try await services.agentConsole.access.issueCode(merchantId: signedIn.merchantId, agentName: agentName)
            }
            return try APIResponse.json(AgentSignInCodeView(merchantId: issued.merchantId, agentName: issued.agentName,
                                                            code: issued.code.description, expiresAt: issued.expiresAt, console: "/agent"),
                                        status: .created).noStore.response
        }
        table.add(.post, "/v1/merchant/agents/{agentName}/revoke") { request, context in
            let signedIn = try await console.session(of: request)
            let agentName = try Self.agentName(context)
            let revoked = try await mappingAgentAccess {
                try await services.agentConsole.access.revoke(merchantId: signedIn.merchantId, agentName: agentName)
            }
            return try APIResponse.json(AgentRevokedView(merchantId: signedIn.merchantId, agentName: revoked.agentName,
                                                         generation: revoked.generation)).noStore.response
        }
        table.add(.get, "/v1/merchant/webhooks/secrets") { request, _ in
            let signedIn = try await console.session(of: request)
            let listed = try await services.webhooks.secrets.list(merchantId: signedIn.merchantId)
            return try APIResponse.json(WebhookSecretListView(secrets: listed.map { .init(secretId: $0.secretId, addedAt: $0.addedAt) },
                                                              maxValid: WebhookSecrets.maxValid)).noStore.response
        }
        table.add(.post, "/v1/merchant/webhooks/secrets") { request, _ in
            let signedIn = try await console.session(of: request)
            let data = try await JSONBody.bytes(of: request, limit: services.configuration.maxBodyBytes)
            let input = data.isEmpty ? WebhookSecretBody(secret: nil)
                : try JSONBody.decode(WebhookSecretBody.self, from: data, allowedFields: WebhookSecretBody.fields)
            let added = try await services.webhooks.secrets.add(merchantId: signedIn.merchantId, secret: input.secret)
            return try APIResponse.json(WebhookSecretAddedView(secretId: added.secretId, secret: added.secret, addedAt: added.addedAt),
                                        status: .created).noStore.response
        }
        table.add(.delete, "/v1/merchant/webhooks/secrets/{secretId}") { request, context in
            let signedIn = try await console.session(of: request)
            let secretId = try context.stringParameter("secretId")
            guard secretId.count <= 100 else { throw Problem.notFound("no webhook secret \(secretId.prefix(40))") }
            try await services.webhooks.secrets.remove(merchantId: signedIn.merchantId, secretId: secretId)
            return APIResponse(status: .noContent, headers: ["Cache-Control": "no-store"], body: Data()).response
        }
        table.add(.get, "/v1/merchant/webhooks/failures") { request, _ in
            let signedIn = try await console.session(of: request)
            let failures = try await services.webhooks.failures.recent(merchantId: signedIn.merchantId).map {
                WebhookFailureListView.Entry(platform: $0.platform, kind: $0.kind, status: $0.status, detail: $0.detail,
                                             eventId: $0.eventId, excerpt: $0.excerpt, receivedAt: $0.receivedAt)
            }
            return try APIResponse.json(WebhookFailureListView(failures: failures, maxKept: WebhookFailureLog.maxPerMerchant)).noStore.response
        }
    }

    /// The path's agent name; names too long to be real name nothing (404).
    static func agentName(_ context: ShopperRequestContext) throws -> String {
        let agentName = try context.stringParameter("agentName")
        guard agentName.count <= 100 else { throw Problem.notFound("no such agent") }
        return agentName
    }
}
