/// One Via element: `SIP/2.0/UDP host:port;branch=z9hG4bK…;received=…;rport=…` (RFC 3261 §20.42, RFC 3581).
public struct SIPVia: Sendable, Hashable, CustomStringConvertible {
    public var transport: String
    public var host: String
    public var port: Int?
    public var parameters: [SIPParameter]

    public init(transport: String = "UDP", host: String, port: Int?, parameters: [SIPParameter]) {
        self.transport = transport
        self.host = host
        self.port = port
        self.parameters = parameters
    }

    public var branch: String? { parameters.parameter("branch") ?? nil }
    public var received: String? { parameters.parameter("received") ?? nil }
    /// `.some(nil)` when `rport` is present without a value (a request), `.some(port)` in a response.
    public var rport: Int?? {
        guard let value = parameters.parameter("rport") else { return .none }
        return .some(value.flatMap { ASCII.decimal(Substring($0), max: 65_535) })
    }

    public init(parsing text: String) throws(SIPSyntaxError) {
        func fail(_ reason: String) -> SIPSyntaxError { .invalidVia(text, reason: reason) }
        let input = ASCII.trim(text)
        // sent-protocol: SIP / 2.0 / transport, with optional whitespace around the slashes.
        let slashParts = input.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard slashParts.count == 3 else { throw fail("no sent-protocol") }
        guard ASCII.caseInsensitiveEquals(String(ASCII.trim(slashParts[0])), "SIP"), ASCII.trim(slashParts[1]) == "2.0" else {
            throw fail("protocol is not SIP/2.0")
        }
        let afterProtocol = ASCII.trim(slashParts[2])
        guard let space = afterProtocol.firstIndex(where: { $0 == " " || $0 == "\t" }) else { throw fail("no sent-by") }
        let transport = afterProtocol[..<space]
        guard ASCII.isToken(transport) else { throw fail("transport is not a token") }
        self.transport = transport.uppercased()
        var sentBy = ASCII.trim(afterProtocol[space...])
        if let semicolon = sentBy.firstIndex(of: ";") {
            guard let parsed = SIPParameter.parseList(sentBy[sentBy.index(after: semicolon)...]) else {
                throw fail("malformed parameters")
            }
            parameters = parsed
            sentBy = ASCII.trim(sentBy[..<semicolon])
        } else {
            parameters = []
        }
        let (host, port) = try SIPURI.parseHostPort(sentBy) { fail($0) }
        self.host = host
        self.port = port
    }

    public var description: String {
        var text = "SIP/2.0/\(transport) " + (host.contains(":") ? "[\(host)]" : host)
        if let port { text += ":\(port)" }
        return text + parameters.formatted
    }
}
