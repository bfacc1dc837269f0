import Foundation
import HTTPTypes
import Hummingbird

/// An RFC 9457 problem of the ops API, answered as `application/problem+json` (the same
/// shape as the web API's, `type` is `urn:cartline:problem:<slug>`).
struct OpsProblem: HTTPResponseError, Sendable, Equatable {
    let status: HTTPResponse.Status
    /// Short stable name of the kind of problem.
    let slug: String
    let title: String
    let detail: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ slug: String, title: String, detail: String) {
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
    }

    static let typePrefix = "urn:cartline:problem:"

    func response(from request: Request, context: some RequestContext) throws -> Response { response() }

    func response() -> Response {
        let body = Body(type: Self.typePrefix + slug, title: title, status: status.code, detail: detail)
        let data = (try? OpsJSON.encoder.encode(body)) ?? Data(#"{"title":"error"}"#.utf8)
        var headers = headers
        headers[.contentType] = "application/problem+json"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private struct Body: Encodable {
        let type: String
        let title: String
        let status: Int
        let detail: String
    }
}

extension OpsProblem {
    static func badRequest(_ detail: String) -> OpsProblem { OpsProblem(.badRequest, "malformed-request", title: "Malformed request", detail: detail) }
    static func notFound(_ detail: String) -> OpsProblem { OpsProblem(.notFound, "not-found", title: "Not found", detail: detail) }
    static func unavailable(_ detail: String) -> OpsProblem {
        var problem = OpsProblem(.serviceUnavailable, "unavailable", title: "Temporarily unavailable", detail: detail)
        problem.headers[.retryAfter] = "1"
        return problem
    }
    /// 401 with the `Bearer realm="cartline-ops"` challenge.
    static var unauthorized: OpsProblem {
        var problem = OpsProblem(.unauthorized, "unauthorized", title: "Unauthorized", detail: "the ops API needs the ops bearer token")
        problem.headers[.wwwAuthenticate] = "Bearer realm=\"cartline-ops\""
        return problem
    }
}
