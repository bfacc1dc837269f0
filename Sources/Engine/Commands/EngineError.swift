/// How running a command can fail beyond the Domain's own refusals (`DomainError`) and the
/// log's (`EventLogError`).
public enum EngineError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The caller made the change conditional on a version the stream has moved past.
    case preconditionFailed(stream: String, expected: Int64, actual: Int64)
    /// Other writers kept winning the race for the stream, more times than the bound.
    case contention(stream: String, attempts: Int)
    /// A stream longer than the engine will fold in one request.
    case streamTooLong(stream: String, limit: Int)
    /// A stored event this build cannot read.
    case unreadableEvent(stream: String, version: Int64, reason: String)
    /// A projection that does not exist or cannot run as asked.
    case invalidProjection(String)

    public var description: String {
        switch self {
        case .preconditionFailed(let stream, let expected, let actual):
            "\(stream) is at version \(actual), not \(expected): reload and try again"
        case .contention(let stream, let attempts): "\(stream) kept changing; gave up after \(attempts) attempts"
        case .streamTooLong(let stream, let limit): "\(stream) holds more than \(limit) events"
        case .unreadableEvent(let stream, let version, let reason): "cannot read \(stream) version \(version): \(reason)"
        case .invalidProjection(let reason): reason
        }
    }
}
