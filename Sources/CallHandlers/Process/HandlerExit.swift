#if canImport(Glibc)
import Glibc
#endif

/// How a handler process ended, as `waitpid` reported it.
public enum HandlerExit: Sendable, Equatable, CustomStringConvertible {
    /// Exited with this status code.
    case exited(Int32)
    /// Killed by this signal.
    case signalled(Int32)
    /// Not observed: something else in the node reaped the pid, or the wait was cancelled.
    case unknown

    /// Decodes a `waitpid` status word (the `WIFEXITED`/`WTERMSIG` macros are not imported).
    init(waitStatus status: Int32) {
        let signal = status & 0x7F
        if signal == 0 {
            self = .exited((status >> 8) & 0xFF)
        } else {
            self = .signalled(signal)
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): "exited(\(code))"
        case .signalled(let signal): "signalled(\(signal))"
        case .unknown: "unknown"
        }
    }
}
