/// Why a test's Kamailio proxy could not be started.
public enum KamailioProxyError: Error, CustomStringConvertible, Sendable {
    /// No `kamailio` executable on PATH or in the sbin folders (Debian package `kamailio`).
    case kamailioNotInstalled
    /// The repository's `Tools/farends/kamailio.cfg` is not where `#filePath` says it is.
    case configurationMissing(path: String)
    /// A setting that cannot go into the configuration safely (name, reason).
    case invalidSetting(name: String, reason: String)
    /// Something already listens on UDP 127.0.0.1:`port`.
    case portInUse(port: Int)
    /// The run folder or the log file could not be created.
    case runDirectoryUnavailable(path: String, reason: String)
    /// `kamailio` could not be launched at all.
    case launchFailed(reason: String)
    /// Kamailio stopped before it answered (a bad config or a taken port); its log's tail.
    case exitedEarly(status: Int32, logTail: String)
    /// Kamailio did not answer an OPTIONS probe on its port in time; its log's tail.
    case notAnswering(port: Int, waitedMilliseconds: Int, logTail: String)

    public var description: String {
        switch self {
        case .kamailioNotInstalled:
            return "kamailio is not installed (apt-get install kamailio, or run Tools/farends/start once)"
        case .configurationMissing(let path):
            return "the Kamailio configuration \(path) is missing"
        case .invalidSetting(let name, let reason):
            return "invalid Kamailio setting \(name): \(reason)"
        case .portInUse(let port):
            return "UDP port 127.0.0.1:\(port) is already in use"
        case .runDirectoryUnavailable(let path, let reason):
            return "cannot prepare the Kamailio run folder \(path): \(reason)"
        case .launchFailed(let reason):
            return "cannot launch kamailio: \(reason)"
        case .exitedEarly(let status, let logTail):
            return "kamailio exited with status \(status) before it answered; its log ends with:\n\(logTail)"
        case .notAnswering(let port, let waitedMilliseconds, let logTail):
            return "kamailio did not answer OPTIONS on 127.0.0.1:\(port) within \(waitedMilliseconds) ms; "
                + "its log ends with:\n\(logTail)"
        }
    }
}
