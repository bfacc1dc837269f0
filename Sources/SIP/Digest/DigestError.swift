/// Why a digest challenge cannot be answered.
public enum DigestError: Error, Sendable, Equatable, CustomStringConvertible {
    case notDigest
    case malformed(String)
    case missingParameter(String)
    case unsupportedAlgorithm(String)
    case unsupportedQOP(String)

    public var description: String {
        switch self {
        case .notDigest: "challenge scheme is not Digest"
        case .malformed(let text): "malformed digest parameters: \(text.prefix(80))"
        case .missingParameter(let name): "digest challenge lacks \(name)"
        case .unsupportedAlgorithm(let name): "digest algorithm \(name.prefix(20)) is not supported"
        case .unsupportedQOP(let value): "digest qop \(value.prefix(40)) offers no auth"
        }
    }
}
