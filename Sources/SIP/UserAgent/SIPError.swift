/// Why the user agent refused to place a call or to start.
public enum SIPError: Error, Sendable, Equatable, CustomStringConvertible {
    case notStarted
    case alreadyStarted
    case shutDown
    case tooManyLegs(limit: Int)
    case invalidRequestURI(String)
    case unresolvableHost(String)
    case bindFailed(String)

    public var description: String {
        switch self {
        case .notStarted: "the SIP user agent has not been started"
        case .alreadyStarted: "the SIP user agent is already started"
        case .shutDown: "the SIP user agent is shut down"
        case .tooManyLegs(let limit): "already \(limit) live legs"
        case .invalidRequestURI(let reason): "invalid request URI: \(reason)"
        case .unresolvableHost(let host): "cannot resolve \(host.prefix(80))"
        case .bindFailed(let reason): "cannot bind the SIP socket: \(reason)"
        }
    }
}
