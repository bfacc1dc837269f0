/// A setting that is missing or malformed; the server refuses to start with it.
public enum ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    case missing(String)
    case invalid(String)

    public var description: String {
        switch self {
        case .missing(let name): "\(name) is not set (Tools/run generates development secrets into .data/secrets.env)"
        case .invalid(let reason): reason
        }
    }
}
