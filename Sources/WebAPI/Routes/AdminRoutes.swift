import Crypto
import Domain
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// `/v1/admin/merchants…`: merchant administration, behind the admin bearer token.
struct AdminRoutes {
    let services: WebServices

    func add(to table: inout RouteTable) {
        table.add(.post, "/v1/admin/merchants") { request, _ in
            try authorizeAdmin(request)
            let body = try await JSONBody.bytes(of: request, limit: services.configuration.maxBodyBytes)
            let input = try JSONBody.decode(MerchantBody.self, from: body, allowedFields: MerchantBody.fields)
            guard let merchantId = input.merchantId else { throw Problem.invalid("missing field 'merchantId'") }
            let profile = try input.profile()
            return try await services.idempotency.run(request, scope: "admin", body: body) { ids in
                let merchant = try await services.administration.register(merchantId, profile: profile, eventIDs: ids)
                var response = try APIResponse.json(view(merchant), status: .created, etag: merchant.version)
                response.headers["Location"] = "/v1/admin/merchants/\(merchantId)"
                return response
            }.response
        }
        table.add(.get, "/v1/admin/merchants") { request, _ in
            try authorizeAdmin(request)
            let query = request.uri.queryParameters
            var limit = Self.defaultPageSize
            if let text = query.get("limit") {
                guard let value = Int(text), (1...MerchantDirectory.maxMerchants).contains(value) else {
                    throw Problem.invalid("limit must be an integer 1…\(MerchantDirectory.maxMerchants), not '\(text.prefix(20))'")
                }
                limit = value
            }
            let after: String? = query.get("after").map { String($0) }
            if let after, try await services.merchants.versioned(after).state == nil {
                throw Problem.invalid("after: no merchant '\(after.prefix(40))' (pass the nextAfter of the previous page)")
            }
            let page = try await services.merchants.page(after: after, limit: limit)
            return try APIResponse.json(MerchantAdminListView(merchants: page.merchants.map(MerchantAdminListView.Entry.init),
                                                              nextAfter: page.nextAfter)).response
        }
        table.add(.post, "/v1/admin/merchants/{merchantId}/retire") { request, context in
            try authorizeAdmin(request)
            let id = try context.stringParameter("merchantId")
            if (try? Merchant.validateID(id)) == nil { throw Problem.notFound("no merchant \(id)") }
            let merchant = try await services.administration.retire(id, eventIDs: .random)
            return try APIResponse.json(MerchantAdminView(merchant), etag: merchant.version).response
        }
        table.add(.get, "/v1/admin/merchants/{merchantId}") { request, context in
            try authorizeAdmin(request)
            let id = try context.stringParameter("merchantId")
            let loaded = try await services.merchants.versioned(id)
            guard let merchant = loaded.state else { throw Problem.notFound("no merchant \(id)") }
            return try APIResponse.json(view(Versioned(state: merchant, version: loaded.version)), etag: loaded.version).response
        }
        table.add(.put, "/v1/admin/merchants/{merchantId}") { request, context in
            try authorizeAdmin(request)
            let id = try context.stringParameter("merchantId")
            if (try? Merchant.validateID(id)) == nil { throw Problem.notFound("no merchant \(id)") }
            let input = try await JSONBody.decode(MerchantBody.self, from: request, limit: services.configuration.maxBodyBytes,
                                                  allowedFields: MerchantBody.fields)
            if let bodyId = input.merchantId, bodyId != id { throw Problem.invalid("merchantId in the body (\(bodyId)) differs from the path (\(id))") }
            let merchant = try await services.administration.update(id, profile: try input.profile(),
                                                                    condition: try ETag.condition(from: request), eventIDs: .random)
            return try APIResponse.json(view(merchant), etag: merchant.version).response
        }
    }

    /// Merchants on one page of `GET /v1/admin/merchants` unless `limit` says otherwise.
    static let defaultPageSize = 100

    private func view(_ merchant: Versioned<MerchantState>) -> MerchantAdminView { MerchantAdminView(merchant) }

    /// `Authorization: Bearer <CARTLINE_ADMIN_TOKEN>`, compared in constant time.
    func authorizeAdmin(_ request: Request) throws {
        let presented = request.bearerToken ?? ""
        let expected = services.configuration.adminToken
        // Compare digests so neither the length nor a prefix of the token leaks through timing.
        let same = SHA256.hash(data: Data(presented.utf8)) == SHA256.hash(data: Data(expected.utf8))
        guard !presented.isEmpty, same else { throw Problem.unauthorized(realm: "cartline-admin", needs: "the admin bearer token") }
    }
}
