/// A `;name[=value]` parameter of a URI, name-addr or Via.
public struct SIPParameter: Sendable, Hashable {
    public var name: String
    public var value: String?

    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }

    var formatted: String { value.map { "\(name)=\($0)" } ?? name }

    /// Parses `a=b;c;d=e` (without the leading semicolon); names must be tokens.
    static func parseList(_ text: Substring) -> [SIPParameter]? {
        var result: [SIPParameter] = []
        for piece in text.split(separator: ";", omittingEmptySubsequences: false) {
            let item = ASCII.trim(piece)
            guard !item.isEmpty else { return nil }
            if let equals = item.firstIndex(of: "=") {
                let name = ASCII.trim(item[..<equals])
                let value = ASCII.trim(item[item.index(after: equals)...])
                guard ASCII.isToken(name) else { return nil }
                result.append(SIPParameter(String(name), String(value)))
            } else {
                guard ASCII.isToken(item) else { return nil }
                result.append(SIPParameter(String(item)))
            }
        }
        return result
    }
}

extension [SIPParameter] {
    /// The value of the first parameter named `name` (case-insensitive): `.some(nil)` for a flag.
    public func parameter(_ name: String) -> String?? {
        for parameter in self where ASCII.caseInsensitiveEquals(parameter.name, name) { return .some(parameter.value) }
        return .none
    }

    /// Whether a parameter named `name` is present.
    public func has(_ name: String) -> Bool { parameter(name) != nil }

    var formatted: String { map { ";" + $0.formatted }.joined() }
}
