/// Why `WarmPool.take()` has no handler to give.
public enum WarmPoolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Handlers crashed repeatedly; the pool is cooling off until then.
    case failed(until: ContinuousClock.Instant)
    /// The pool was shut down.
    case shutDown
    /// No process was ready and a fresh one could not be started.
    case spawn(HandlerSpawnError)

    public var description: String {
        switch self {
        case .failed: "the handler pool failed (handlers crash repeatedly) and is cooling off"
        case .shutDown: "the handler pool is shut down"
        case .spawn(let error): error.description
        }
    }
}
