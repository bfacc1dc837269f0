import Domain
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// The merchant console's account API (`/v1/merchant/…`, for the page at `/merchant`): set a
/// password with an invitation code, sign in with login and password for a session cookie
/// of the user's own, sign out, see the session, and (owners) invite and revoke users. The
/// settings and reports are `MerchantConsoleSettingsRoutes` and `MerchantConsoleReportRoutes`;
/// the admin's invitation is `MerchantUserAdminRoutes`. Every route reads and changes the
/// signed-in user's merchant only: nothing names another merchant.
struct MerchantConsoleRoutes {
    let services: WebServices
    private var console: MerchantConsole { services.merchantConsole }

    func add(to table: inout RouteTable) {
        MerchantUserAdminRoutes(services: services).add(to: &table)
        MerchantConsoleSettingsRoutes(services: services).add(to: &table)
        MerchantConsoleReportRoutes(services: services).add(to: &table)
        table.add(.post, "/v1/merchant/password") { request, _ in
            let input = try await JSONBody.decode(MerchantPasswordBody.self, from: request, limit: MerchantPasswordBody.maxBytes,
                                                  allowedFields: MerchantPasswordBody.fields)
            let signIn = try await mappingMerchantUser(now: console.accounts.now()) {
                try await console.accounts.setPassword(merchantId: Self.merchantId(input.merchantId), login: input.login,
                                                       typedCode: input.code, password: input.password)
            }
            return try await signedIn(signIn, request: request)
        }
        table.add(.post, "/v1/merchant/sign-in") { request, _ in
            let input = try await JSONBody.decode(MerchantSignInBody.self, from: request, limit: MerchantSignInBody.maxBytes,
                                                  allowedFields: MerchantSignInBody.fields)
            let signIn = try await mappingMerchantUser(now: console.accounts.now()) {
                try await console.accounts.signIn(merchantId: Self.merchantId(input.merchantId), login: input.login, password: input.password)
            }
            return try await signedIn(signIn, request: request)
        }
        table.add(.post, "/v1/merchant/sign-out") { request, _ in
            // Signing out always clears the cookie; a session still valid is refused from now on.
            if let signedIn = try? await console.session(of: request) {
                try await console.accounts.signOut(merchantId: signedIn.merchantId, login: signedIn.login,
                                                   sessionId: signedIn.session.sessionId, sessionExpiresAt: signedIn.session.expiresAtDate)
            }
            var response = APIResponse(status: .noContent, headers: ["Cache-Control": "no-store"], body: Data())
            response.cookies = [console.clearCookie(request: request)]
            return response.response
        }
        table.add(.get, "/v1/merchant/session") { request, _ in
            let signedIn = try await console.session(of: request)
            return try await sessionResponse(signedIn.session, role: signedIn.role).response
        }
        table.add(.get, "/v1/merchant/users") { request, _ in
            let signedIn = try await console.session(of: request)
            let users = try await console.accounts.users(merchantId: signedIn.merchantId)
            return try APIResponse.json(MerchantUserListView(users, now: console.accounts.now())).noStore.response
        }
        table.add(.post, "/v1/merchant/users") { request, _ in
            let signedIn = try await console.owner(of: request)
            let input = try await JSONBody.decode(MerchantInviteBody.self, from: request, limit: MerchantInviteBody.maxBytes,
                                                  allowedFields: MerchantInviteBody.fields)
            let role = try Self.role(input.role, default: .member)
            let invitation = try await mappingMerchantUser(now: console.accounts.now()) {
                try await console.accounts.invite(merchantId: signedIn.merchantId, login: input.login, role: role, by: signedIn.login)
            }
            return try APIResponse.json(MerchantInvitationView(invitation), status: .created).noStore.response
        }
        table.add(.post, "/v1/merchant/users/{login}/revoke") { request, context in
            let signedIn = try await console.owner(of: request)
            let login = try context.stringParameter("login")
            let revoked = try await mappingMerchantUser(now: console.accounts.now()) {
                try await console.accounts.revoke(merchantId: signedIn.merchantId, login: login, by: signedIn.login)
            }
            return try APIResponse.json(MerchantUserRevokedView(merchantId: signedIn.merchantId, login: revoked.login,
                                                                generation: revoked.generation)).noStore.response
        }
    }

    /// The session cookie and the session for a sign-in.
    private func signedIn(_ signIn: MerchantAccountService.SignIn, request: Request) async throws -> Response {
        let session = console.cookie.session(for: signIn)
        var response = try await sessionResponse(session, role: signIn.role)
        response.cookies = [try console.setCookie(session, request: request)]
        return response.response
    }

    private func sessionResponse(_ session: MerchantSession, role: MerchantRole) async throws -> APIResponse {
        let name = try await services.merchants.merchant(session.merchantId)?.profile.name ?? session.merchantId
        return try APIResponse.json(MerchantSessionView(merchantId: session.merchantId, merchantName: name, login: session.login,
                                                        role: role.rawValue, issuedAt: session.issuedAtDate,
                                                        expiresAt: session.expiresAtDate)).noStore
    }

    /// A typed merchant id as people type it (spaces, capitals).
    static func merchantId(_ typed: String) -> String {
        String(typed.trimmingCharacters(in: .whitespaces).lowercased().prefix(41))
    }

    static func role(_ text: String?, default value: MerchantRole) throws(Problem) -> MerchantRole {
        guard let text else { return value }
        guard let role = MerchantRole(rawValue: text) else { throw .invalid("role must be owner or member, not '\(text.prefix(20))'") }
        return role
    }
}
