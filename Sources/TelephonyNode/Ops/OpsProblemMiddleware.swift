import HTTPTypes
import Hummingbird
import Logging

/// Outermost: every error becomes a problem+json answer. An unknown path is 404, a known path
/// with another method 405 with `Allow`; anything unexpected is a logged 500 (a server fault,
/// never something a client can cause).
struct OpsProblemMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as OpsProblem {
            return problem.response()
        } catch let error as HTTPError {
            return Self.problem(for: error, request: request, context: context).response()
        } catch {
            context.logger.error("ops request failed", metadata: ["error": "\(String(describing: error))", "path": "\(request.uri.path)"])
            return OpsProblem(.internalServerError, "internal", title: "Internal error", detail: "the node could not answer; see its log").response()
        }
    }

    static func problem(for error: HTTPError, request: Request, context: Context) -> OpsProblem {
        if error.status == .notFound, context.endpointPath == "NotFound" || context.endpointPath == nil {
            let allowed = OpsRoute.methods(matching: request.uri.path)
            guard !allowed.isEmpty else { return .notFound("no route \(request.method) \(request.uri.path)") }
            var problem = OpsProblem(.methodNotAllowed, "method-not-allowed", title: "Method not allowed",
                                     detail: "\(request.method) is not allowed on \(request.uri.path)")
            problem.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
            return problem
        }
        // Hummingbird's own refusals (a body too large…) keep their status.
        return OpsProblem(error.status, "http-\(error.status.code)", title: error.status.reasonPhrase,
                          detail: error.body ?? error.status.reasonPhrase)
    }
}
