/// Why the media engine could not do what was asked.
public enum MediaError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `openLeg` before `start`.
    case notStarted
    /// The engine was shut down.
    case shutDown
    /// `maxLegs` legs are already open.
    case tooManyLegs(maxLegs: Int)
    /// The UDP socket could not be bound.
    case bindFailed(host: String, port: Int, reason: String)
    /// Every even port of the configured range is taken.
    case noFreePort(ClosedRange<Int>)

    public var description: String {
        switch self {
        case .notStarted: "media engine not started"
        case .shutDown: "media engine shut down"
        case .tooManyLegs(let max): "media engine already has its maximum of \(max) legs"
        case .bindFailed(let host, let port, let reason): "cannot bind RTP socket on \(host):\(port): \(reason)"
        case .noFreePort(let range): "no free even RTP port in \(range.lowerBound)...\(range.upperBound)"
        }
    }
}
