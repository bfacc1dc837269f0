import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives each request an id (the client's `X-Request-ID` when it is a sane token), puts it
/// on the response and on every log line, and logs one line per request.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = ShopperRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let offered = request.headers[.requestID] ?? ""
        let isSane = (1...64).contains(offered.count) && offered.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
        context.requestID = isSane ? offered : context.id
        context.logger[metadataKey: "request"] = "\(context.requestID)"
        let started = ContinuousClock.now
        var response = try await next(request, context)
        response.headers[.requestID] = context.requestID
        let elapsedMilliseconds = (ContinuousClock.now - started) / .milliseconds(1)
        context.logger.info("\(request.method) \(request.uri.path) \(response.status.code)", metadata: [
            "ms": "\((elapsedMilliseconds * 10).rounded() / 10)",
        ])
        return response
    }
}

extension HTTPField.Name {
    static let requestID = known("X-Request-ID")
    static let idempotencyKey = known("Idempotency-Key")
    static let forwardedProto = known("X-Forwarded-Proto")

    /// Names written here are valid tokens; the check runs once, at first use.
    private static func known(_ name: String) -> HTTPField.Name {
        guard let field = HTTPField.Name(name) else { preconditionFailure("invalid header name \(name)") }
        return field
    }
}
