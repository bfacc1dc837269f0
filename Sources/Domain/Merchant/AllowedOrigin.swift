/// A web origin (`https://shop.example.com`, `http://localhost:8000`) whose pages may embed
/// the merchant's Cartline widget: the browser's `Origin` header is compared with it exactly,
/// so it is kept in the one spelling browsers send — lowercase scheme and host, no path, the
/// port only when it is not the scheme's default.
public struct AllowedOrigin: Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let value: String

    public static let maxPerMerchant = 20

    public init(_ text: String) throws(DomainError) {
        guard text.count <= 253 + 20 else { throw .invalid("an allowed origin is at most 273 characters") }
        let lowered = text.lowercased()
        let scheme: String
        if lowered.hasPrefix("https://") { scheme = "https" } else if lowered.hasPrefix("http://") { scheme = "http" } else {
            throw .invalid("allowed origin '\(text.prefix(80))' must start with https:// (or http:// for local testing)")
        }
        let rest = lowered.dropFirst(scheme.count + 3)
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let host = parts.first, !host.isEmpty, host.count <= 253,
              host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }),
              !host.hasPrefix("."), !host.hasSuffix(".") else {
            throw .invalid("allowed origin '\(text.prefix(80))' must be scheme://host[:port], with no path, query or credentials")
        }
        var port = ""
        if parts.count == 2 {
            guard let number = Int(parts[1]), (1...65_535).contains(number), String(number) == parts[1] else {
                throw .invalid("allowed origin '\(text.prefix(80))' has no valid port")
            }
            if !((scheme == "https" && number == 443) || (scheme == "http" && number == 80)) { port = ":\(number)" }
        }
        self.value = "\(scheme)://\(host)\(port)"
    }

    /// Decoded as stored (validated when the profile was set).
    public init(from decoder: any Decoder) throws {
        value = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    public var description: String { value }
}
