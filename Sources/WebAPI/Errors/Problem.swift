import Foundation
import HTTPTypes
import Hummingbird
import NIOFoundationEssentialsCompat

/// An RFC 9457 problem: every error the API answers is one of these, as
/// `application/problem+json`, with a stable `type` per kind of failure.
public struct Problem: Error, Sendable, Equatable {
    public let status: HTTPResponse.Status
    /// Short stable name of the kind of problem; `type` is `urn:cartline:problem:<slug>`.
    public let slug: String
    public let title: String
    public let detail: String
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ slug: String, title: String, detail: String) {
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
    }

    public static let typePrefix = "urn:cartline:problem:"

    func response(requestID: String?) -> Response {
        let body = ProblemBody(type: Self.typePrefix + slug, title: title, status: status.code, detail: detail, requestId: requestID)
        let data = (try? JSONEncoder.sortedKeys.encode(body)) ?? Data(#"{"title":"error"}"#.utf8)
        var headers = headers
        headers[.contentType] = "application/problem+json"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    private struct ProblemBody: Encodable {
        let type: String
        let title: String
        let status: Int
        let detail: String
        let requestId: String?
    }
}

extension Problem {
    static func badRequest(_ detail: String) -> Problem { Problem(.badRequest, "malformed-request", title: "Malformed request", detail: detail) }
    static func invalid(_ detail: String) -> Problem { Problem(.unprocessableContent, "invalid-request", title: "Invalid request", detail: detail) }
    static func notFound(_ detail: String) -> Problem { Problem(.notFound, "not-found", title: "Not found", detail: detail) }
    static func conflict(_ detail: String) -> Problem { Problem(.conflict, "conflict", title: "Refused in the current state", detail: detail) }
    static func unavailable(_ detail: String) -> Problem {
        var problem = Problem(.serviceUnavailable, "unavailable", title: "Temporarily unavailable", detail: detail)
        problem.headers[.retryAfter] = "1"
        return problem
    }
}

extension JSONEncoder {
    /// The API's encoder: stable key order, ISO-8601 dates.
    static var sortedKeys: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}
