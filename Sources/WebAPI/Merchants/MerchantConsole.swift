import Domain
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// The merchant console's server side: accounts (engine), the signed session cookie checked
/// on every console request, and the reports the console reads.
struct MerchantConsole: Sendable {
    let accounts: MerchantAccountService
    let cookie: MerchantSessionCookie
    let reports: MerchantReports
    let secureCookies: Bool

    /// The signed-in user of a request, with their role now, or a 401 that says in words
    /// what to do. Every console route scopes what it reads and changes to `merchantId`.
    struct SignedIn: Sendable {
        let session: MerchantSession
        let role: MerchantRole
        var merchantId: String { session.merchantId }
        var login: String { session.login }
    }

    func session(of request: Request) async throws -> SignedIn {
        guard let value = request.cookies[MerchantSessionCookie.name]?.value, !value.isEmpty else {
            throw Problem.merchantSignIn("not-signed-in", "you are not signed in; sign in with your login and password")
        }
        let session: MerchantSession
        do {
            session = try cookie.session(from: value, now: accounts.now())
        } catch .malformed {
            throw Problem.merchantSignIn("sign-in-invalid", "your sign-in is not valid; sign in again")
        } catch .otherKey {
            throw Problem.merchantSignIn("sign-in-expired", "your sign-in expired (the server's keys changed); sign in again")
        } catch .expired {
            throw Problem.merchantSignIn("sign-in-expired", "your sign-in expired; sign in again")
        }
        do {
            let user = try await accounts.check(merchantId: session.merchantId, login: session.login, sessionId: session.sessionId,
                                                generation: session.generation)
            return SignedIn(session: session, role: user.role)
        } catch let error as MerchantUserError {
            switch error {
            case .signedOut: throw Problem.merchantSignIn("signed-out", error.description)
            default: throw Problem.merchantSignIn("sign-in-revoked", error.description)
            }
        }
    }

    /// The signed-in user if they are an owner (inviting and revoking users is theirs).
    func owner(of request: Request) async throws -> SignedIn {
        let signedIn = try await session(of: request)
        guard signedIn.role == .owner else { throw Problem.from(MerchantUserError.notOwner) }
        return signedIn
    }

    /// `Set-Cookie` for a new session.
    func setCookie(_ session: MerchantSession, request: Request) throws -> Cookie {
        Cookie(name: MerchantSessionCookie.name, value: try cookie.value(for: session), maxAge: Int(MerchantSessionCookie.lifetimeSeconds),
               path: MerchantSessionCookie.path, secure: isSecure(request), httpOnly: true, sameSite: .strict)
    }

    /// `Set-Cookie` that removes the session from the browser.
    func clearCookie(request: Request) -> Cookie {
        Cookie(name: MerchantSessionCookie.name, value: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0,
               path: MerchantSessionCookie.path, secure: isSecure(request), httpOnly: true, sameSite: .strict)
    }

    private func isSecure(_ request: Request) -> Bool {
        secureCookies || request.headers[.forwardedProto]?.lowercased() == "https"
    }
}
