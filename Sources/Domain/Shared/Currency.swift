/// An ISO 4217 currency code such as `EUR`.
public struct Currency: Hashable, Sendable, Codable, CustomStringConvertible {
    public let code: String

    public init(_ code: String) throws(DomainError) {
        guard code.count == 3, code.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) else {
            throw .invalid("currency must be a three-letter ISO 4217 code such as EUR, not '\(code)'")
        }
        self.code = code
    }

    public init(from decoder: any Decoder) throws {
        let code = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(code) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }

    public var description: String { code }
}
