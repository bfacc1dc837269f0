/// A From/To/Contact/Route/Record-Route value: `"Name" <sip:…>;tag=x` or `sip:…;tag=x`.
public struct SIPNameAddress: Sendable, Hashable, CustomStringConvertible {
    public var displayName: String?
    public var uri: SIPURI
    /// Header parameters (after the URI), such as `tag`.
    public var parameters: [SIPParameter]

    public init(displayName: String? = nil, uri: SIPURI, parameters: [SIPParameter] = []) {
        self.displayName = displayName
        self.uri = uri
        self.parameters = parameters
    }

    /// The `tag` parameter, if any.
    public var tag: String? {
        get { parameters.parameter("tag") ?? nil }
        set {
            parameters.removeAll { ASCII.caseInsensitiveEquals($0.name, "tag") }
            if let newValue { parameters.append(SIPParameter("tag", newValue)) }
        }
    }

    public init(parsing text: String) throws(SIPSyntaxError) {
        func fail(_ reason: String) -> SIPSyntaxError { .invalidNameAddress(text, reason: reason) }
        var rest = ASCII.trim(text)
        guard !rest.isEmpty else { throw fail("empty") }
        var display: String?
        if rest.hasPrefix("\"") {
            var unescaped = ""
            var index = rest.index(after: rest.startIndex)
            var closed = false
            while index < rest.endIndex {
                let character = rest[index]
                if character == "\\" {
                    index = rest.index(after: index)
                    guard index < rest.endIndex else { break }
                    unescaped.append(rest[index])
                } else if character == "\"" {
                    closed = true
                    break
                } else {
                    unescaped.append(character)
                }
                index = rest.index(after: index)
            }
            guard closed else { throw fail("unclosed quote") }
            display = unescaped
            rest = ASCII.trim(rest[rest.index(after: index)...])
            guard rest.hasPrefix("<") else { throw fail("display name without <URI>") }
        }
        if let open = rest.firstIndex(of: "<") {
            if display == nil {
                let name = ASCII.trim(rest[..<open])
                display = name.isEmpty ? nil : String(name)
            }
            guard let close = rest[open...].firstIndex(of: ">") else { throw fail("unclosed <") }
            uri = try SIPURI(parsing: String(rest[rest.index(after: open)..<close]))
            let after = ASCII.trim(rest[rest.index(after: close)...])
            if after.isEmpty {
                parameters = []
            } else {
                guard after.hasPrefix(";"), let parsed = SIPParameter.parseList(after.dropFirst()) else {
                    throw fail("malformed parameters")
                }
                parameters = parsed
            }
        } else {
            // addr-spec form: parameters after the URI belong to the header (RFC 3261 §20.10).
            if let semicolon = rest.firstIndex(of: ";") {
                uri = try SIPURI(parsing: String(rest[..<semicolon]))
                guard let parsed = SIPParameter.parseList(rest[rest.index(after: semicolon)...]) else {
                    throw fail("malformed parameters")
                }
                parameters = parsed
            } else {
                uri = try SIPURI(parsing: String(rest))
                parameters = []
            }
        }
        displayName = display
    }

    public var description: String {
        var text = ""
        if let displayName {
            text += "\""
            for character in displayName {
                if character == "\"" || character == "\\" { text.append("\\") }
                text.append(character)
            }
            text += "\" "
        }
        text += "<\(uri)>"
        text += parameters.formatted
        return text
    }
}
