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
    /// Age of the oldest transaction holding an xid: readers cannot pass it (docs/architecture.md §3).
    let horizonAgeSeconds = Gauge(label: "cartline_eventlog_horizon_age_seconds")
}
