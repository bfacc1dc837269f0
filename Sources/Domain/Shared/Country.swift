/// An assigned ISO 3166-1 alpha-2 country code such as `DE` (see `iso3166Alpha2`).
///
/// Made from input (`init(_:)`), a code must be assigned. Decoded from the log, only its
/// shape is checked (two letters A–Z), so an event stays readable if a code is withdrawn.
public struct Country: Hashable, Sendable, Codable, CustomStringConvertible {
    public let code: String

    public init(_ code: String) throws(DomainError) {
        try Self.checkShape(code)
        guard Self.iso3166Alpha2.contains(code) else {
            throw .invalid("\(code) is not an ISO 3166-1 alpha-2 country code (e.g. DE, FR, GB)")
        }
        self.code = code
    }

    public init(from decoder: any Decoder) throws {
        let code = try decoder.singleValueContainer().decode(String.self)
        do { try Self.checkShape(code) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
        self.code = code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }

    public var description: String { code }

    private static func checkShape(_ code: String) throws(DomainError) {
        guard code.count == 2, code.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) else {
            let upper = code.uppercased()
            if upper != code, iso3166Alpha2.contains(upper) {
                throw .invalid("country codes are written in capitals: \(upper), not '\(code)'")
            }
            throw .invalid("country must be a two-letter ISO 3166-1 alpha-2 code such as DE, not '\(code)'")
        }
    }
}
