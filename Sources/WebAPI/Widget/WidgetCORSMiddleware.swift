import Domain
import Engine
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// CORS for the embeddable widget's routes (`/v1/widget/{merchantId}/…`): a page of another
/// origin may call them only when that origin is one of the merchant's `allowedOrigins`.
/// The path names the merchant, so each merchant's list is applied exactly, to preflights
/// (answered by `WidgetRoutes`) as to requests: one from an origin not in the list is refused
/// before any route runs, and allowed answers — problems too — carry
/// `Access-Control-Allow-Origin` for that origin only. No cookies cross: the widget sends a shopper token (`Authorization: Shopper`).
/// A request without `Origin` (not from a browser page of another origin) passes: the token
/// is what authenticates it.
struct WidgetCORSMiddleware: RouterMiddleware {
    typealias Context = ShopperRequestContext
    let merchants: MerchantDirectory

    static let prefix = "/v1/widget/"
    static let exposedHeaders = "etag, location, retry-after, x-request-id"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix(Self.prefix) else { return try await next(request, context) }
        let merchantId = String(path.dropFirst(Self.prefix.count).prefix { $0 != "/" })
        let origin = request.headers[.origin]
        do {
            guard let merchant = try await merchants.merchant(merchantId) else { throw Problem.notFound("no merchant \(merchantId.prefix(40))") }
            if let origin, !merchant.profile.allows(origin: origin) {
                throw Problem(.forbidden, "origin-not-allowed", title: "Origin not allowed",
                              detail: "pages of \(origin.prefix(100)) may not use \(merchantId)'s widget: the shop lists its sites in its allowed origins")
            }
            var response = try await next(request, context)
            if let origin {
                response.headers[.accessControlAllowOrigin] = origin
                response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
                response.headers[.vary] = "Origin"
            }
            return response
        } catch {
            let (problem, isServerFault) = Problem.from(error)
            if isServerFault { context.logger.error("widget request failed", metadata: ["error": "\(String(describing: error))"]) }
            return problem.response(requestID: context.requestID)
        }
    }
}
