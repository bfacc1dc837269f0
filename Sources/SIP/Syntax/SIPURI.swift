/// A `sip:` or `sips:` URI (RFC 3261 §19.1): user, host, port, parameters, headers.
public struct SIPURI: Sendable, Hashable, CustomStringConvertible {
    public enum Scheme: String, Sendable {
        case sip, sips
    }

    public var scheme: Scheme
    public var user: String?
    public var password: String?
    /// Host name or address; IPv6 addresses are kept without brackets.
    public var host: String
    public var port: Int?
    public var parameters: [SIPParameter]
    /// The raw `?h=v&…` part without the question mark.
    public var headers: String?

    public init(scheme: Scheme = .sip, user: String? = nil, host: String, port: Int? = nil, parameters: [SIPParameter] = []) {
        self.scheme = scheme
        self.user = user
        self.password = nil
        self.host = host
        self.port = port
        self.parameters = parameters
        self.headers = nil
    }

    /// Parses a URI such as `sip:+4930123@carrier.example;user=phone` or `sip:alice@[::1]:5070;lr`.
    public init(parsing text: String) throws(SIPSyntaxError) {
        let input = ASCII.trim(text)
        func fail(_ reason: String) -> SIPSyntaxError { .invalidURI(text, reason: reason) }
        guard let colon = input.firstIndex(of: ":") else { throw fail("no scheme") }
        guard let scheme = Scheme(rawValue: input[..<colon].lowercased()) else { throw fail("scheme is not sip or sips") }
        self.scheme = scheme
        var rest = input[input.index(after: colon)...]
        if let question = rest.firstIndex(of: "?") {
            headers = String(rest[rest.index(after: question)...])
            rest = rest[..<question]
        } else {
            headers = nil
        }
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let passwordColon = userinfo.firstIndex(of: ":") {
                user = String(userinfo[..<passwordColon])
                password = String(userinfo[userinfo.index(after: passwordColon)...])
            } else {
                user = String(userinfo)
                password = nil
            }
            guard let user, !user.isEmpty, !user.utf8.contains(where: { $0 <= 32 || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "\"") })
            else { throw fail("empty or invalid user") }
        } else {
            user = nil
            password = nil
        }
        var hostport = rest
        if let semicolon = rest.firstIndex(of: ";") {
            hostport = rest[..<semicolon]
            guard let parameters = SIPParameter.parseList(rest[rest.index(after: semicolon)...]) else {
                throw fail("malformed parameters")
            }
            self.parameters = parameters
        } else {
            parameters = []
        }
        let (host, port) = try Self.parseHostPort(hostport, fail: fail)
        self.host = host
        self.port = port
    }

    static func parseHostPort(_ hostport: Substring, fail: (String) -> SIPSyntaxError) throws(SIPSyntaxError) -> (String, Int?) {
        var host: Substring
        var portText: Substring?
        if hostport.hasPrefix("[") {
            guard let close = hostport.firstIndex(of: "]") else { throw fail("unclosed IPv6 bracket") }
            host = hostport[hostport.index(after: hostport.startIndex)..<close]
            let after = hostport[hostport.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw fail("junk after IPv6 address") }
                portText = after.dropFirst()
            }
            guard !host.isEmpty, host.utf8.allSatisfy({ ASCII.isAlphanumeric($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }) else {
                throw fail("invalid IPv6 address")
            }
        } else if let colon = hostport.firstIndex(of: ":") {
            host = hostport[..<colon]
            portText = hostport[hostport.index(after: colon)...]
        } else {
            host = hostport
        }
        guard !host.isEmpty else { throw fail("empty host") }
        if !hostport.hasPrefix("[") {
            guard host.utf8.allSatisfy({ ASCII.isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") }) else {
                throw fail("invalid host")
            }
        }
        var port: Int?
        if let portText {
            guard let value = ASCII.decimal(portText, max: 65_535), value > 0 else { throw fail("invalid port") }
            port = value
        }
        return (String(host), port)
    }

    /// Whether the URI carries `;lr` (a loose router, RFC 3261 §16.12).
    public var isLooseRouter: Bool { parameters.has("lr") }

    /// Host as written in a URI or Via: IPv6 in brackets.
    public var hostForURI: String { host.contains(":") ? "[\(host)]" : host }

    public var description: String {
        var text = scheme.rawValue + ":"
        if let user {
            text += user
            if let password { text += ":" + password }
            text += "@"
        }
        text += hostForURI
        if let port { text += ":\(port)" }
        text += parameters.formatted
        if let headers { text += "?" + headers }
        return text
    }
}
