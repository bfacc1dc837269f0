import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import Testing

/// A browser-like client: keeps the cookies the server sets and sends them back, and checks
/// every answer against `openapi.yaml` (an undocumented status or a body off-schema is a
/// test failure).
actor APIClient {
    let harness: WebHarness
    private(set) var cookies: [String: String] = [:]

    init(harness: WebHarness) { self.harness = harness }

    func setCookie(_ name: String, _ value: String?) { cookies[name] = value }

    /// Serialises the body here, outside the actor, so JSON built from `[String: Any]`
    /// never crosses an isolation boundary.
    nonisolated func send(_ method: HTTPRequest.Method, _ path: String, json: Any? = nil, body: String? = nil,
                          headers: [String: String] = [:]) async throws -> APIResult {
        var data: Data?
        if let json { data = try JSONSerialization.data(withJSONObject: json) } else if let body { data = Data(body.utf8) }
        return try await perform(method, path, body: data, headers: headers)
    }

    private func perform(_ method: HTTPRequest.Method, _ path: String, body data: Data?, headers: [String: String]) async throws -> APIResult {
        var fields = HTTPFields()
        for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
        if !cookies.isEmpty { fields[.cookie] = cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        var buffer: ByteBuffer?
        if let data {
            buffer = ByteBuffer(data: data)
            fields[.contentType] = "application/json"
        }
        let response = try await harness.client.executeRequest(uri: path, method: method, headers: fields, body: buffer)
        let result = APIResult(status: Int(response.status.code), headers: response.headers, body: Data(buffer: response.body))
        for cookie in result.setCookies { cookies[cookie.name] = cookie.value }
        let violations = harness.contract.violations(method: method.rawValue, path: path, status: result.status,
                                                     contentType: result.headers[.contentType], body: result.body)
        #expect(violations.isEmpty, "openapi.yaml: \(violations.joined(separator: "; "))")
        #expect(result.status < 500, "\(method) \(path) answered \(result.status): \(result.text)")
        return result
    }
}

/// One answer, with helpers to read it.
struct APIResult: Sendable {
    let status: Int
    let headers: HTTPFields
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
    var etag: String? { headers[.eTag] }

    /// `Set-Cookie` headers as name, value and attributes.
    var setCookies: [(name: String, value: String, attributes: String)] {
        headers[values: .setCookie].compactMap { header in
            let parts = header.split(separator: ";", maxSplits: 1)
            let pair = parts[0].split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { return nil }
            return (String(pair[0]), String(pair[1]), parts.count > 1 ? String(parts[1]) : "")
        }
    }

    /// Asserts a problem+json answer with the status and a stable type.
    func expectProblem(_ status: Int, type slug: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(self.status == status, "expected \(status), got \(self.status): \(text)", sourceLocation: sourceLocation)
        #expect(headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        let type = json["type"] as? String ?? ""
        #expect(type.hasPrefix("urn:cartline:problem:"), sourceLocation: sourceLocation)
        if let slug { #expect(type == "urn:cartline:problem:\(slug)", "\(text)", sourceLocation: sourceLocation) }
        #expect((json["detail"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        #expect(json["status"] as? Int == status, sourceLocation: sourceLocation)
    }
}
