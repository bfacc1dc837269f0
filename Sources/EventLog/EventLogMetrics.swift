import Metrics

/// The log's instruments, created once. Names carry their unit.
struct EventLogMetrics: Sendable {
    let appendsOK = Counter(label: "cartline_eventlog_appends_total", dimensions: [("outcome", "ok")])
    let appendsRefused = Counter(label: "cartline_eventlog_appends_total", dimensions: [("outcome", "refused")])
    let appendsFailed = Counter(label: "cartline_eventlog_appends_total", dimensions: [("outcome", "failed")])
    let eventsAppended = Counter(label: "cartline_eventlog_events_appended_total")
    let appendDuration = Metrics.Timer(label: "cartline_eventlog_append_duration_seconds", preferredDisplayUnit: .seconds)
    let commitBatchEvents = Recorder(label: "cartline_eventlog_commit_batch_events", aggregate: true)
    let batchRetries = Counter(label: "cartline_eventlog_commit_retries_total")
    let eventsRead = Counter(label: "cartline_eventlog_events_read_total")
    /// Where subscriptions' batches came from: the shared tail's memory, a read of the head
    /// they shared, or a read of their own (a consumer behind the tail).
    let tailBatchesFromMemory = Counter(label: "cartline_eventlog_subscription_batches_total", dimensions: [("source", "memory")])
    let tailBatchesShared = Counter(label: "cartline_eventlog_subscription_batches_total", dimensions: [("source", "shared-read")])
    let tailBatchesOwnRead = Counter(label: "cartline_eventlog_subscription_batches_total", dimensions: [("source", "own-read")])
    /// Age of the oldest transaction holding an xid: readers cannot pass it (docs/architecture.md §3).
    let horizonAgeSeconds = Gauge(label: "cartline_eventlog_horizon_age_seconds")
}
