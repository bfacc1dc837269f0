import Domain
import Engine
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `/v1/webhooks/{merchantId}/shopify|woocommerce|cartline`: cart notifications from a
/// merchant's shop platform, verified against the merchant's webhook secret on the raw bytes
/// (`PlatformWebhooks`). And, behind the admin token, the merchant's webhook secrets and its
/// last refused notifications.
struct WebhookRoutes {
    let services: WebServices

    func add(to table: inout RouteTable) {
        for platform in WebhookPlatform.allCases {
            table.add(.post, "/v1/webhooks/{merchantId}/\(platform.rawValue)") { request, context in
                try await receive(request, context, platform: platform)
            }
        }
        table.add(.get, "/v1/admin/merchants/{merchantId}/webhooks/secrets") { request, context in
            try AdminRoutes(services: services).authorizeAdmin(request)
            let id = try merchantId(context)
            let listed = try await services.webhooks.secrets.list(merchantId: id)
            var response = try APIResponse.json(WebhookSecretListView(secrets: listed.map { .init(secretId: $0.secretId, addedAt: $0.addedAt) },
                                                                      maxValid: WebhookSecrets.maxValid))
            response.headers["Cache-Control"] = "no-store"
            return response.response
        }
        table.add(.post, "/v1/admin/merchants/{merchantId}/webhooks/secrets") { request, context in
            try AdminRoutes(services: services).authorizeAdmin(request)
            let id = try merchantId(context)
            let data = try await JSONBody.bytes(of: request, limit: services.configuration.maxBodyBytes)
            let input = data.isEmpty ? WebhookSecretBody(secret: nil)
                : try JSONBody.decode(WebhookSecretBody.self, from: data, allowedFields: WebhookSecretBody.fields)
            let added = try await services.webhooks.secrets.add(merchantId: id, secret: input.secret)
            var response = try APIResponse.json(WebhookSecretAddedView(secretId: added.secretId, secret: added.secret, addedAt: added.addedAt),
                                                status: .created)
            response.headers["Cache-Control"] = "no-store"
            return response.response
        }
        table.add(.delete, "/v1/admin/merchants/{merchantId}/webhooks/secrets/{secretId}") { request, context in
            try AdminRoutes(services: services).authorizeAdmin(request)
            let id = try merchantId(context)
            try await services.webhooks.secrets.remove(merchantId: id, secretId: try context.stringParameter("secretId"))
            return APIResponse(status: .noContent, headers: ["Cache-Control": "no-store"], body: Data()).response
        }
        table.add(.get, "/v1/admin/merchants/{merchantId}/webhooks/failures") { request, context in
            try AdminRoutes(services: services).authorizeAdmin(request)
            let id = try merchantId(context)
            guard try await services.merchants.versioned(id).state != nil else { throw Problem.notFound("no merchant \(id)") }
            let failures = try await services.webhooks.failures.recent(merchantId: id).map {
                WebhookFailureListView.Entry(platform: $0.platform, kind: $0.kind, status: $0.status, detail: $0.detail,
                                             eventId: $0.eventId, excerpt: $0.excerpt, receivedAt: $0.receivedAt)
            }
            var response = try APIResponse.json(WebhookFailureListView(failures: failures, maxKept: WebhookFailureLog.maxPerMerchant))
            response.headers["Cache-Control"] = "no-store"
            return response.response
        }
    }

    private func receive(_ request: Request, _ context: ShopperRequestContext, platform: WebhookPlatform) async throws -> Response {
        let id = try merchantId(context)
        let headers = WebhookHeaders(request.headers.map { (name: $0.name.canonicalName, value: $0.value) })
        let body: [UInt8]
        do {
            // One byte over the limit is enough to know it is too large.
            let buffer = try await request.body.collect(upTo: WebhookLimits.maxBodyBytes + 1)
            body = Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            let error = WebhookError.tooLarge("the body is over \(WebhookLimits.maxBodyBytes) bytes")
            await services.webhooks.recordRefusal(merchantId: id, platform: platform, error: error, headers: headers, body: [])
            throw Self.problem(error)
        }
        do {
            let receipt = try await services.webhooks.receive(merchantId: id, platform: platform, headers: headers, body: body)
            var response = try APIResponse.json(WebhookReceiptView(receipt))
            response.headers["Cache-Control"] = "no-store"
            return response.response
        } catch let error as WebhookError {
            throw Self.problem(error)
        }
    }

    /// A path merchant id that cannot be one names nothing: 404.
    private func merchantId(_ context: ShopperRequestContext) throws -> String {
        let id = try context.stringParameter("merchantId")
        if (try? Merchant.validateID(id)) == nil { throw Problem.notFound("no merchant \(id.prefix(40))") }
        return id
    }

    static func problem(_ error: WebhookError) -> Problem {
        let status = HTTPResponse.Status(code: PlatformWebhooks.status(of: error))
        let title = switch error {
        case .unsigned: "Not signed"
        case .badSignature: "Signature does not match"
        case .stale: "Stale notification"
        case .tooLarge: "Notification too large"
        case .malformed: "Malformed notification"
        case .currencyMismatch: "Currency mismatch"
        }
        var problem = Problem(status, error.slug, title: title, detail: error.description)
        if status == .unauthorized { problem.headers[.wwwAuthenticate] = "HMAC-SHA256" }
        return problem
    }
}
