import HTTPTypes
import Hummingbird

/// Every route the server answers, in one list: the router is built from it, 405 answers
/// are computed from it, and a test checks it against `openapi.yaml`.
public struct RouteTable: Sendable {
    public typealias Handler = @Sendable (Request, ShopperRequestContext) async throws -> Response

    public struct Route: Sendable {
        public let method: HTTPRequest.Method
        /// OpenAPI-style template: `/v1/carts/{cartId}`.
        public let path: String
        let handler: Handler
    }

    public private(set) var routes: [Route] = []

    mutating func add(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
        routes.append(Route(method: method, path: path, handler: handler))
    }

    func register(on router: Router<ShopperRequestContext>) {
        for route in routes {
            let handler = route.handler
            router.on(RouterPath(route.path), method: route.method) { request, context in try await handler(request, context) }
        }
    }

    /// Methods registered for templates that match `path`.
    func methods(matching path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return routes.filter { route in
            let template = route.path.split(separator: "/", omittingEmptySubsequences: false)
            return template.count == segments.count && zip(template, segments).allSatisfy { pattern, actual in
                (pattern.hasPrefix("{") && !actual.isEmpty) || pattern == actual
            }
        }.map(\.method)
    }
}
