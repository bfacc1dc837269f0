/// Why the ops API cannot be built from its settings.
public enum OpsAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The token is shorter than `OpsAPIConfiguration.minimumTokenLength` (or missing).
    case weakToken(minimumLength: Int)
    /// A setting has a value out of its range; `name` is the environment variable or field.
    case invalidSetting(name: String, value: String, expected: String)

    public var description: String {
        switch self {
        case .weakToken(let minimumLength):
            return "the ops token must have at least \(minimumLength) characters (CARTLINE_OPS_TOKEN)"
        case .invalidSetting(let name, let value, let expected):
            return "\(name) must be \(expected), not '\(value)'"
        }
    }
}
