import Domain
import Engine
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The embeddable widget's API: the shopper routes a widget needs, under
/// `/v1/widget/{merchantId}`, for the shopper a merchant's backend names in a signed token
/// (`Authorization: Shopper <token>`, `ShopperToken`) instead of a session cookie. Each is the
/// shopper route itself, run for that shopper; CORS is `WidgetCORSMiddleware`'s.
struct WidgetRoutes {
    /// What a widget may do: see and answer offers, follow and control its calls (and talk
    /// in the page), ask for help, and set how it may be reached. Nothing else (no carts:
    /// those come from the shop's platform).
    static let surface: [(HTTPRequest.Method, String)] = [
        (.get, "/v1/engagement"), (.get, "/v1/offers/stream"),
        (.post, "/v1/offers/{offerId}/accept"), (.post, "/v1/offers/{offerId}/decline"),
        (.get, "/v1/calls/{callId}"), (.post, "/v1/calls/{callId}/cancel"), (.post, "/v1/calls/{callId}/voice"),
        (.post, "/v1/help"), (.get, "/v1/preferences"), (.put, "/v1/preferences"),
    ]

    static let allowedHeaders = "authorization, content-type, idempotency-key, if-match"
    static let preflightMaxAgeSeconds = 600

    let services: WebServices

    /// Adds the widget's copy of each surface route (the table must hold the originals) and a
    /// CORS preflight answer for each of their paths (`WidgetCORSMiddleware` has refused an
    /// origin not in the merchant's list by then, and adds the allowed one).
    func add(to table: inout RouteTable) {
        let verifier = services.shopperTokens
        var methodsByPath: [String: [HTTPRequest.Method]] = [:]
        for (method, path) in Self.surface { methodsByPath["/v1/widget/{merchantId}" + path.dropFirst("/v1".count), default: []].append(method) }
        for (path, methods) in methodsByPath.sorted(by: { $0.key < $1.key }) {
            let allowed = methods.map(\.rawValue).joined(separator: ", ")
            table.add(.options, path) { _, _ in
                var headers = HTTPFields()
                headers[.accessControlAllowMethods] = allowed
                headers[.accessControlAllowHeaders] = Self.allowedHeaders
                headers[.accessControlMaxAge] = String(Self.preflightMaxAgeSeconds)
                return Response(status: .noContent, headers: headers)
            }
        }
        for (method, path) in Self.surface {
            guard let original = table.routes.first(where: { $0.method == method && $0.path == path }) else { continue }
            let handler = original.handler
            table.add(method, "/v1/widget/{merchantId}" + path.dropFirst("/v1".count)) { request, context in
                let merchantId = try context.stringParameter("merchantId")
                var context = context
                context.shopperId = try await Self.shopper(of: request, merchantId: merchantId, verifier: verifier)
                context.logger[metadataKey: "shopper"] = "\(context.shopperId.map { "\($0)" } ?? "")"
                return try await handler(request, context)
            }
        }
    }

    /// The shopper the request's token names, or a 401 that says what is wrong with it.
    static func shopper(of request: Request, merchantId: String, verifier: ShopperTokenVerifier) async throws -> UUID {
        guard let header = request.headers[.authorization], header.hasPrefix("Shopper "), header.count > 8 else {
            throw challenge("shopper-token-missing", "the widget sends the shopper token its shop signed: Authorization: Shopper <token>")
        }
        do {
            return try await verifier.verify(String(header.dropFirst(8)), merchantId: merchantId).shopperId
        } catch let error as ShopperTokenError {
            switch error {
            case .expired: throw challenge("shopper-token-expired", error.description)
            case .malformed, .badSignature: throw challenge("shopper-token-invalid", error.description)
            }
        }
    }

    static func challenge(_ slug: String, _ detail: String) -> Problem {
        var problem = Problem(.unauthorized, slug, title: "Shopper token refused", detail: detail)
        problem.headers[.wwwAuthenticate] = "Shopper realm=\"cartline-widget\""
        return problem
    }
}
