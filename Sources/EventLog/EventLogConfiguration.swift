/// Bounds and behaviour of one `EventLog`. Every queue, batch and wait has a limit.
public struct EventLogConfiguration: Sendable {
    /// How readers learn that the log moved.
    public enum WakeUp: Sendable {
        /// NOTIFY after each commit (debounced) plus in-process signals; polling still guarantees delivery.
        case notify
        /// Poll only: what delivery falls back to when notifications are lost.
        case pollOnly
    }

    /// Largest event (data + metadata JSON), in bytes.
    public var maxEventBytes = 64 * 1024
    /// Most events one `append` may carry.
    public var maxEventsPerAppend = 1_000
    /// Most events one group-commit transaction carries.
    public var maxEventsPerCommit = 4_000
    /// Appends waiting for a commit before new ones are refused as overloaded.
    public var maxQueuedAppends = 20_000
    /// Independent group-commit queues; a stream always uses the same one.
    public var commitLanes = 2
    /// Times a batch is retried when another process took a stream version first.
    public var maxBatchRetries = 5
    /// Longest any single log operation may take, the wait for a pool connection included,
    /// before it fails with `timedOut`; a caller's `RequestDeadline` may cut it shorter. An
    /// append statement already sent is waited for past it (the server's `statement_timeout`,
    /// which `cartline serve` sets to this, ends it), so `timedOut` never hides a commit.
    public var operationTimeoutSeconds: Double = 30
    /// Most events one `readAll` returns.
    public var maxReadBatch = 10_000
    /// Newest events a process keeps in memory for its subscriptions (`SharedLogTail`): those
    /// at the head share one read; one further behind than this reads on its own.
    public var sharedTailEvents = 5_000
    /// Events one read of the head fetches for the subscriptions sharing it.
    public var sharedTailReadBatch = 1_000
    /// Longest a subscription sleeps without a wake-up before it polls.
    public var pollIntervalSeconds: Double = 1
    /// How often the horizon metric is refreshed.
    public var horizonSampleIntervalSeconds: Double = 5
    public var wakeUp: WakeUp = .notify
    /// The NOTIFY channel shared by every process on one database.
    public var notifyChannel = "cartline_events"

    public init() {}
}
