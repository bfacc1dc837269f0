/// A SIP request or response: start line, ordered headers, body (RFC 3261 §7).
public struct SIPMessage: Sendable, Equatable {
    /// The first line: a request line or a status line.
    public enum StartLine: Sendable, Equatable {
        case request(method: String, uri: String)
        case response(status: Int, reason: String)
    }

    public var startLine: StartLine
    public var headers: SIPHeaders
    public var body: [UInt8]

    public init(startLine: StartLine, headers: SIPHeaders = SIPHeaders(), body: [UInt8] = []) {
        self.startLine = startLine
        self.headers = headers
        self.body = body
    }

    /// The request method, or nil for a response.
    public var method: String? {
        if case .request(let method, _) = startLine { return method }
        return nil
    }

    /// The status code, or nil for a request.
    public var statusCode: Int? {
        if case .response(let status, _) = startLine { return status }
        return nil
    }

    /// The parsed CSeq header, if present and well formed.
    public var cseq: SIPCSeq? {
        headers.first("CSeq").flatMap { try? SIPCSeq(parsing: $0) }
    }

    /// The Call-ID header value.
    public var callID: String? { headers.first("Call-ID") }

    /// The top Via, parsed.
    public var topVia: SIPVia? {
        headers.first("Via").flatMap { try? SIPVia(parsing: $0) }
    }
}
