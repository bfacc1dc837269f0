import Engine
import Foundation
import HTTPTypes
import Hummingbird
import NIOFoundationEssentialsCompat

/// A response held as bytes: what handlers build, what the idempotency store can keep and
/// replay, and what becomes a Hummingbird `Response` at the end.
struct APIResponse: Sendable {
    var status: HTTPResponse.Status
    var headers: [String: String]
    var body: Data
    var cookies: [Cookie] = []

    static func json<Value: Encodable>(_ value: Value, status: HTTPResponse.Status = .ok, etag version: Int64? = nil) throws -> APIResponse {
        var headers = ["Content-Type": "application/json"]
        if let version { headers["ETag"] = ETag.value(for: version) }
        return APIResponse(status: status, headers: headers, body: try JSONEncoder.sortedKeys.encode(value))
    }

    var response: Response {
        var fields = HTTPFields()
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        var response = Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(data: body)))
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }
}

/// Stream versions as entity tags: `"7"`. `If-Match` turns a change into "only if still at 7".
enum ETag {
    static func value(for version: Int64) -> String { "\"\(version)\"" }

    /// The condition an `If-Match` header asks for; `*` or none: the latest version.
    static func condition(from request: Request) throws(Problem) -> Engine.WriteCondition {
        guard let header = request.headers[.ifMatch]?.trimmingCharacters(in: .whitespaces), !header.isEmpty, header != "*" else {
            return .latest
        }
        guard header.count >= 3, header.first == "\"", header.last == "\"",
              let version = Int64(header.dropFirst().dropLast()), version >= 0 else {
            throw Problem(.preconditionFailed, "stale-version", title: "Changed since you read it",
                          detail: "If-Match \(header) names no version of this resource; send the ETag you received")
        }
        return .ifVersion(version)
    }
}
