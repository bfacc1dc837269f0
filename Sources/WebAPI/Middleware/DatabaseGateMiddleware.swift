import EventLog
import Hummingbird

/// While `DatabaseWatch` finds the database down, API requests are answered at once with 503
/// and `Retry-After` (a problem, converted by `ProblemMiddleware` outside this one), rather
/// than held for the log's operation timeout. Pages, scripts and `/health` pass.
/// An API request that passes gets one `RequestDeadline`, the log's operation timeout from
/// now, for all its database work: a slow database (a pool full of slow statements) makes it
/// a 503 within that bound, not after one timeout per operation it runs.
struct DatabaseGateMiddleware: RouterMiddleware {
    typealias Context = ShopperRequestContext
    let watch: DatabaseWatch

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/v1/") else { return try await next(request, context) }
        if watch.isDown {
            throw Problem.unavailable("the database does not answer in time (it is down, or too busy); try again in a moment")
        }
        let deadline = ContinuousClock.now + .milliseconds(Int64(watch.log.configuration.operationTimeoutSeconds * 1_000))
        return try await RequestDeadline.$current.withValue(deadline) { try await next(request, context) }
    }
}
