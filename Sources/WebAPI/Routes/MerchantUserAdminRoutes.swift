import Domain
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// `POST /v1/admin/merchants/{merchantId}/users`, behind the admin token: invites a merchant's
/// first console user (an owner unless the body says `member`), with a one-time code the
/// user types at `/merchant` to choose a password.
struct MerchantUserAdminRoutes {
    let services: WebServices

    func add(to table: inout RouteTable) {
        table.add(.post, "/v1/admin/merchants/{merchantId}/users") { request, context in
            try AdminRoutes(services: services).authorizeAdmin(request)
            let merchantId = try context.stringParameter("merchantId")
            guard (try? Merchant.validateID(merchantId)) != nil else { throw Problem.notFound("no merchant \(merchantId.prefix(40))") }
            let input = try await JSONBody.decode(MerchantInviteBody.self, from: request, limit: MerchantInviteBody.maxBytes,
                                                  allowedFields: MerchantInviteBody.fields)
            let role = try MerchantConsoleRoutes.role(input.role, default: .owner)
            let accounts = services.merchantConsole.accounts
            let invitation = try await mappingMerchantUser(now: accounts.now()) {
                try await accounts.invite(merchantId: merchantId, login: input.login, role: role, by: "admin")
            }
            return try APIResponse.json(MerchantInvitationView(invitation), status: .created).noStore.response
        }
    }
}
