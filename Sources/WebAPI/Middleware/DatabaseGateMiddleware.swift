import Hummingbird

/// While `DatabaseWatch` finds the database down, API requests are answered at once with 503
/// and `Retry-After` (a problem, converted by `ProblemMiddleware` outside this one), rather
/// than held for the log's operation timeout. Pages, scripts and `/health` pass.
struct DatabaseGateMiddleware: RouterMiddleware {
    typealias Context = ShopperRequestContext
    let watch: DatabaseWatch

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if watch.isDown, request.uri.path.hasPrefix("/v1/") {
            throw Problem.unavailable("the database does not answer right now; try again in a moment")
        }
        return try await next(request, context)
    }
}
