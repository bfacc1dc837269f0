/// A snapshot of a `WarmPool`.
public struct WarmPoolStatus: Sendable {
    /// One handler that died while waiting in the pool.
    public struct Exit: Sendable, Equatable {
        public var pid: Int32
        public var exit: HandlerExit
        public var at: ContinuousClock.Instant
    }

    /// How many recent exits are kept.
    public static let maxRecentExits = 16

    /// Processes started and waiting.
    public var ready: Int
    /// Starts in progress or scheduled (including backoff waits).
    public var starting: Int
    /// Pids of the ready processes.
    public var pids: [Int32]
    /// Restarts after a waiting handler died (or failed to start).
    public var restarts: Int
    /// The last exits of waiting handlers, oldest first.
    public var recentExits: [Exit]
    /// While set, the pool has failed: it starts nothing until this instant.
    public var failedUntil: ContinuousClock.Instant?

    public var isFailed: Bool { failedUntil != nil }
}
