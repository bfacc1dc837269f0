import PostgresNIO

extension EventLog {
    /// Most events `unappliedEvents` returns: a consumer further behind than this is stalled,
    /// and a read that would fold its whole backlog on every request is refused instead.
    public static let maxUnappliedEvents = 10_000

    /// The events of `types` that `consumer` has not applied yet: committed after its
    /// checkpoint (all of them, not only those below the transaction horizon), in log order.
    ///
    /// A read model kept by a consumer answers "as of its checkpoint"; this is the rest. Read
    /// this first and the read model second, and their union holds every event committed
    /// before this call (a caller's own write included) — an event the consumer applies in
    /// between shows in both, so callers merge by key. Throws `unavailable` when more than
    /// `limit` such events wait: the consumer is stalled, and the read would be unbounded.
    public func unappliedEvents(consumer: String, types: [String], limit: Int = EventLog.maxUnappliedEvents) async throws -> [RecordedEvent] {
        guard (1...Self.maxUnappliedEvents).contains(limit) else {
            throw EventLogError.invalidArgument("unapplied-events limit \(limit) is outside 1…\(Self.maxUnappliedEvents)")
        }
        let events = try await fetch("""
            WITH checkpoint (checkpoint_tx, checkpoint_position) AS (
              SELECT tx_id, position FROM consumer_checkpoints WHERE consumer = \(consumer)
              UNION ALL SELECT '0'::xid8, 0
              ORDER BY 1 DESC LIMIT 1)
            SELECT \(unescaped: Self.columns) FROM events, checkpoint
            WHERE (events.tx_id, events.global_position) > (checkpoint.checkpoint_tx, checkpoint.checkpoint_position)
              AND events.event_type = ANY(\(types))
            ORDER BY events.tx_id, events.global_position LIMIT \(limit + 1)
            """, operation: "read unapplied events")
        guard events.count <= limit else {
            throw EventLogError.unavailable("\(consumer) is more than \(limit) events behind the log; try again once it has caught up")
        }
        return events
    }
}
