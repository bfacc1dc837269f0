import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Establishes the shopper: a valid `cartline_session` names them (and is issued again when
/// old or signed by a previous key); anything else (none, tampered, foreign, expired) starts
/// a new shopper and sets a fresh cookie. Health, metrics, the
/// agent's routes, the widget's (whose shopper a signed token names) and the shop platforms'
/// webhooks get no session.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = ShopperRequestContext
    let cookie: SessionCookie
    let secureCookies: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path == "/health" || path == "/metrics" || path.hasPrefix("/v1/agent") || path.hasPrefix("/agent")
            || path.hasPrefix(WidgetCORSMiddleware.prefix) || path.hasPrefix("/v1/webhooks/") {
            return try await next(request, context)
        }
        var context = context
        context.isSecureTransport = secureCookies || request.headers[.forwardedProto]?.lowercased() == "https"
        let now = Date()
        if let value = request.cookies[SessionCookie.name]?.value, let verified = cookie.verify(value, now: now) {
            context.shopperId = verified.shopperId
            context.logger[metadataKey: "shopper"] = "\(verified.shopperId)"
            var response = try await next(request, context)
            // Issued again (same shopper, new time, current key): a returning shopper keeps the session.
            if verified.needsRefresh { response.setCookie(sessionCookie(verified.shopperId, now: now, secure: context.isSecureTransport)) }
            return response
        }
        let shopperId = UUID()
        context.shopperId = shopperId
        context.logger[metadataKey: "shopper"] = "\(shopperId)"
        var response = try await next(request, context)
        response.setCookie(sessionCookie(shopperId, now: now, secure: context.isSecureTransport))
        return response
    }

    private func sessionCookie(_ shopperId: UUID, now: Date, secure: Bool) -> Cookie {
        Cookie(name: SessionCookie.name, value: cookie.value(for: shopperId, issuedAt: now), maxAge: Int(SessionCookie.lifetimeSeconds),
               path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}
