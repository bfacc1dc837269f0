/// Why a datagram is not a SIP message we accept.
public enum SIPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case messageTooLarge(bytes: Int, limitBytes: Int)
    case lineTooLong(line: Int, limitBytes: Int)
    case tooManyHeaders(limit: Int)
    case unterminatedHeaders
    case invalidStartLine(String)
    case unsupportedVersion(String)
    case invalidStatusCode(String)
    case invalidMethod(String)
    case invalidRequestURI(String)
    case invalidHeaderLine(line: Int)
    case invalidHeaderName(line: Int)
    case invalidCharacter(line: Int)
    case invalidUTF8(line: Int)
    case continuationWithoutHeader(line: Int)
    case unbalancedList(header: String)
    case missingHeader(String)
    case invalidCSeq(String)
    case cseqMethodMismatch(requestMethod: String, cseqMethod: String)
    case invalidContentLength(String)
    case conflictingContentLength
    case bodyTruncated(declaredBytes: Int, availableBytes: Int)

    public var description: String {
        switch self {
        case .empty: "empty message"
        case .messageTooLarge(let bytes, let limit): "message of \(bytes) bytes exceeds the limit of \(limit) bytes"
        case .lineTooLong(let line, let limit): "line \(line) exceeds \(limit) bytes"
        case .tooManyHeaders(let limit): "more than \(limit) header fields"
        case .unterminatedHeaders: "header section does not end with an empty line"
        case .invalidStartLine(let line): "start line is neither a request line nor a status line: \(line.prefix(80))"
        case .unsupportedVersion(let version): "unsupported SIP version \(version.prefix(20))"
        case .invalidStatusCode(let code): "status code must be three digits 100-699, got \(code.prefix(20))"
        case .invalidMethod(let method): "method is not a token: \(method.prefix(40))"
        case .invalidRequestURI(let uri): "request URI is not absolute: \(uri.prefix(80))"
        case .invalidHeaderLine(let line): "header line \(line) has no colon"
        case .invalidHeaderName(let line): "header line \(line) has a name that is not a token"
        case .invalidCharacter(let line): "line \(line) holds a control character"
        case .invalidUTF8(let line): "line \(line) is not UTF-8"
        case .continuationWithoutHeader(let line): "continuation line \(line) precedes any header"
        case .unbalancedList(let header): "\(header) has an unclosed quote or angle bracket"
        case .missingHeader(let name): "mandatory header \(name) is missing"
        case .invalidCSeq(let value): "CSeq is not 'number METHOD': \(value.prefix(40))"
        case .cseqMethodMismatch(let method, let cseq): "CSeq method \(cseq) differs from request method \(method)"
        case .invalidContentLength(let value): "Content-Length is not a number: \(value.prefix(20))"
        case .conflictingContentLength: "several different Content-Length values"
        case .bodyTruncated(let declared, let available): "Content-Length \(declared) but only \(available) body bytes"
        }
    }
}
