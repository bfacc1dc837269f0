#if canImport(Glibc)
import Glibc
#endif

/// Why a handler process could not be started.
public enum HandlerSpawnError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The spec is unusable (empty path, NUL bytes, `=` in a variable name…).
    case invalidSpec(String)
    /// A pipe could not be created (errno).
    case pipeFailed(errno: Int32)
    /// `posix_spawn` failed (errno), e.g. ENOENT or EACCES for the executable.
    case spawnFailed(executable: String, errno: Int32)
    /// The pipes could not be attached to the event loop.
    case io(String)

    public var description: String {
        switch self {
        case .invalidSpec(let why): "invalid handler spec: \(why)"
        case .pipeFailed(let code): "cannot create a pipe: \(errnoText(code))"
        case .spawnFailed(let executable, let code): "cannot start \(executable): \(errnoText(code))"
        case .io(let why): "cannot attach handler pipes: \(why)"
        }
    }
}

func errnoText(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return "\(String(cString: text)) (errno \(code))"
}
