/// A `WWW-Authenticate` / `Proxy-Authenticate` digest challenge (RFC 2617, RFC 7616, RFC 3261 §22).
public struct DigestChallenge: Sendable, Equatable {
    public var realm: String
    public var nonce: String
    public var opaque: String?
    /// `MD5` unless the challenge names another; `MD5` and `SHA-256` are supported.
    public var algorithm: String
    /// The qop options offered, e.g. `["auth", "auth-int"]`; empty for RFC 2069-style digest.
    public var qopOptions: [String]
    public var stale: Bool

    public init(realm: String, nonce: String, opaque: String? = nil, algorithm: String = "MD5", qopOptions: [String] = [], stale: Bool = false) {
        self.realm = realm
        self.nonce = nonce
        self.opaque = opaque
        self.algorithm = algorithm
        self.qopOptions = qopOptions
        self.stale = stale
    }

    /// Parses `Digest realm="…", nonce="…", qop="auth", opaque="…", algorithm=MD5`.
    public init(parsing text: String) throws(DigestError) {
        let input = ASCII.trim(text)
        guard let space = input.firstIndex(where: { $0 == " " || $0 == "\t" }),
              ASCII.caseInsensitiveEquals(String(input[..<space]), "Digest")
        else { throw .notDigest }
        let parameters = try Self.parseParameters(input[space...])
        func value(_ name: String) -> String? {
            parameters.first { ASCII.caseInsensitiveEquals($0.0, name) }?.1
        }
        guard let realm = value("realm") else { throw .missingParameter("realm") }
        guard let nonce = value("nonce") else { throw .missingParameter("nonce") }
        self.realm = realm
        self.nonce = nonce
        opaque = value("opaque")
        algorithm = value("algorithm") ?? "MD5"
        qopOptions = (value("qop") ?? "").split(separator: ",").map { String(ASCII.trim($0)) }.filter { !$0.isEmpty }
        stale = value("stale").map { ASCII.caseInsensitiveEquals($0, "true") } ?? false
    }

    /// Parses comma-separated `name=value` / `name="quoted"` pairs; quotes are removed.
    static func parseParameters(_ text: Substring) throws(DigestError) -> [(String, String)] {
        guard let items = ASCII.splitList(text) else { throw .malformed(String(text)) }
        var result: [(String, String)] = []
        for item in items.prefix(64) {
            guard let equals = item.firstIndex(of: "=") else { throw .malformed(String(item)) }
            let name = ASCII.trim(item[..<equals])
            var value = ASCII.trim(item[item.index(after: equals)...])
            guard ASCII.isToken(name) else { throw .malformed(String(item)) }
            if value.hasPrefix("\"") {
                guard value.count >= 2, value.hasSuffix("\"") else { throw .malformed(String(item)) }
                value = value.dropFirst().dropLast()
                var unescaped = ""
                var escaping = false
                for character in value {
                    if escaping { unescaped.append(character); escaping = false } else if character == "\\" { escaping = true } else { unescaped.append(character) }
                }
                result.append((String(name), unescaped))
            } else {
                result.append((String(name), String(value)))
            }
        }
        return result
    }
}
