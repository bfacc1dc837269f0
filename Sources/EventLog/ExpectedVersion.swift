/// What the writer believes about a stream before appending: the optimistic-concurrency check.
public enum ExpectedVersion: Sendable, Hashable, CustomStringConvertible {
    /// The stream must not exist yet.
    case noStream
    /// The stream's last version must be exactly this (0 means: no events yet).
    case exact(Int64)
    /// No check: append after whatever is there.
    case any

    func validate() throws(EventLogError) {
        if case .exact(let version) = self, version < 0 { throw .invalidExpectedVersion(version) }
    }

    /// Whether a stream whose last version is `actual` satisfies this expectation.
    func isSatisfied(byActual actual: Int64) -> Bool {
        switch self {
        case .noStream: actual == 0
        case .exact(let version): actual == version
        case .any: true
        }
    }

    public var description: String {
        switch self {
        case .noStream: "no stream"
        case .exact(let version): "version \(version)"
        case .any: "any version"
        }
    }
}
