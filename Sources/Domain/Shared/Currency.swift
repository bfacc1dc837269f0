/// An active ISO 4217 currency code such as `EUR` (see `iso4217MinorUnits`).
///
/// Made from input (`init(_:)`), a code must be in the table. Decoded from the log, only
/// its shape is checked (three letters A–Z): an event stored under an older table, or
/// before there was a table, must still replay.
public struct Currency: Hashable, Sendable, Codable, CustomStringConvertible {
    public let code: String

    public init(_ code: String) throws(DomainError) {
        try Self.checkShape(code)
        guard Self.iso4217MinorUnits[code] != nil else {
            throw .invalid("\(code) is not an ISO 4217 currency code (e.g. EUR, USD, GBP)")
        }
        self.code = code
    }

    /// Decimal digits of the smallest coin (EUR 2, JPY 0, BHD 3); 2 for a code that is no
    /// longer in the table (only an old event can hold one).
    public var minorUnits: Int { Self.iso4217MinorUnits[code] ?? 2 }

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
        guard code.count == 3, code.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) else {
            let upper = code.uppercased()
            if code.count == 3, upper != code, iso4217MinorUnits[upper] != nil {
                throw .invalid("currency codes are written in capitals: \(upper), not '\(code)'")
            }
            throw .invalid("currency must be a three-letter ISO 4217 code such as EUR, not '\(code)'")
        }
    }
}
