import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Establishes the shopper: a valid `cartline_session` names them; anything else (none,
/// tampered, foreign) starts a new shopper and sets a fresh cookie. Health, metrics, the
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
        if let value = request.cookies[SessionCookie.name]?.value, let shopperId = cookie.shopperId(from: value) {
            context.shopperId = shopperId
            context.logger[metadataKey: "shopper"] = "\(shopperId)"
            return try await next(request, context)
        }
        let shopperId = UUID()
        context.shopperId = shopperId
        context.logger[metadataKey: "shopper"] = "\(shopperId)"
        var response = try await next(request, context)
        response.setCookie(Cookie(name: SessionCookie.name, value: cookie.value(for: shopperId), maxAge: SessionCookie.maxAgeSeconds,
                                  path: "/", secure: context.isSecureTransport, httpOnly: true, sameSite: .lax))
        return response
    }
}
