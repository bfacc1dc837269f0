import Domain
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// The agent console's server side: sign-in codes and revocation (engine), and the signed
/// session cookie, checked on every console request.
struct AgentConsole: Sendable {
    let access: AgentAccessService
    let cookie: AgentSessionCookie
    let secureCookies: Bool

    /// The signed-in agent of a request, or a 401 that says in words what to do.
    func session(of request: Request) async throws -> AgentSession {
        guard let value = request.cookies[AgentSessionCookie.name]?.value, !value.isEmpty else {
            throw Problem.agentSignIn("not-signed-in", "you are not signed in; sign in with the code your administrator gave you")
        }
        let session: AgentSession
        do {
            session = try cookie.session(from: value, now: access.now())
        } catch .malformed {
            throw Problem.agentSignIn("sign-in-invalid", "your sign-in is not valid; sign in again")
        } catch .otherKey {
            throw Problem.agentSignIn("sign-in-expired", "your sign-in expired (the server's keys changed); sign in again")
        } catch .expired {
            throw Problem.agentSignIn("sign-in-expired", "your sign-in expired; sign in again")
        }
        do {
            try await access.check(merchantId: session.merchantId, agentName: session.agentName, sessionId: session.sessionId,
                                   generation: session.generation)
        } catch let error as AgentAccessError {
            switch error {
            case .revoked: throw Problem.agentSignIn("sign-in-revoked", error.description)
            case .signedOut: throw Problem.agentSignIn("signed-out", error.description)
            default: throw Problem.agentSignIn("sign-in-revoked", "you are no longer an agent of \(session.merchantId); ask your administrator")
            }
        }
        return session
    }

    /// `Set-Cookie` for a new session.
    func setCookie(_ session: AgentSession, request: Request) throws -> Cookie {
        Cookie(name: AgentSessionCookie.name, value: try cookie.value(for: session), maxAge: Int(AgentSessionCookie.lifetimeSeconds),
               path: AgentSessionCookie.path, secure: isSecure(request), httpOnly: true, sameSite: .strict)
    }

    /// `Set-Cookie` that removes the session from the browser.
    func clearCookie(request: Request) -> Cookie {
        Cookie(name: AgentSessionCookie.name, value: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0,
               path: AgentSessionCookie.path, secure: isSecure(request), httpOnly: true, sameSite: .strict)
    }

    private func isSecure(_ request: Request) -> Bool {
        secureCookies || request.headers[.forwardedProto]?.lowercased() == "https"
    }
}
