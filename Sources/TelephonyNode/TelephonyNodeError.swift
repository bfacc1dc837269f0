/// Why a telephony node could not start or go on.
public enum TelephonyNodeError: Error, Equatable, Sendable, CustomStringConvertible {
    case anotherNodeRuns(String)
    case invalidNodeName(String)
    case invalidSetting(String)

    public var description: String {
        switch self {
        case .anotherNodeRuns(let node): "another telephony node named '\(node)' is running (it holds the node's lock); give this one another CARTLINE_NODE_NAME"
        case .invalidNodeName(let name): "node name '\(name)' must be 1…40 letters, digits, '-' or '_'"
        case .invalidSetting(let what): what
        }
    }
}
