import HTTPTypes
import Hummingbird
import Logging

/// Turns every thrown error into a problem+json answer. An unknown path is 404; a known
/// path with another method is 405 with `Allow`. Server faults are logged once, with the
/// request id and no stack trace. A client that went away is not a fault: it is logged at
/// debug and answered (to nobody) with 499, which is what the metrics count.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = ShopperRequestContext
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch where ClientWentAway.matches(error) {
            context.logger.debug("client went away", metadata: ["error": "\(String(describing: error))"])
            return Response(status: .init(code: ClientWentAway.status, reasonPhrase: "Client Closed Request"))
        } catch {
            var (problem, isServerFault) = Problem.from(error)
            if problem.status == .notFound, context.endpointPath == "NotFound" || context.endpointPath == nil {
                let allowed = routes.methods(matching: request.uri.path)
                if !allowed.isEmpty {
                    problem = Problem(.methodNotAllowed, "method-not-allowed", title: "Method not allowed",
                                      detail: "\(request.method) is not allowed on \(request.uri.path)")
                    problem.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
                } else {
                    problem = .notFound("no route \(request.method) \(request.uri.path)")
                }
            }
            if isServerFault {
                context.logger.error("request failed", metadata: ["error": "\(String(describing: error))"])
            }
            return problem.response(requestID: context.requestID)
        }
    }
}
