/// An endless sequence of event batches for one consumer, in commit-safe order.
///
/// It starts from the consumer's stored checkpoint (or a given position), keeps its place in
/// memory, and never stores it: the consumer does that with its own writes
/// (`EventLog.withCheckpoint`), which is what makes a restart resume without loss or
/// duplicate. Between batches it waits for a wake-up, but never longer than the poll
/// interval, so lost notifications only cost latency.
public struct EventSubscription: AsyncSequence, Sendable {
    public typealias Element = [RecordedEvent]

    let log: EventLog
    let consumer: String
    let start: LogPosition?
    let batchSize: Int

    public func makeAsyncIterator() -> Iterator {
        Iterator(log: log, consumer: consumer, position: start, batchSize: batchSize)
    }

    public struct Iterator: AsyncIteratorProtocol {
        /// Up to 2 s of 50 ms looks after each wake-up whose first read found nothing.
        static let quickLooksAfterWakeUp = 40
        static let quickLookMilliseconds = 50

        let log: EventLog
        let consumer: String
        /// Where the last delivered batch ended; nil until the stored checkpoint is loaded.
        public private(set) var position: LogPosition?
        let batchSize: Int

        init(log: EventLog, consumer: String, position: LogPosition?, batchSize: Int) {
            self.log = log
            self.consumer = consumer
            self.position = position
            self.batchSize = batchSize
        }

        public mutating func next() async throws -> [RecordedEvent]? {
            let after: LogPosition
            if let position { after = position } else { after = try await log.checkpoint(of: consumer) ?? .start }
            position = after
            // After a wake-up, an empty read usually means the horizon is still held by a
            // transaction elsewhere in the cluster (xmin is cluster-wide): look again shortly,
            // a bounded number of times, instead of sleeping a whole poll interval.
            var quickLooks = 0
            while !Task.isCancelled {
                let seen = log.logAdvanced.generation
                let batch = try await log.readShared(after: after, limit: batchSize)
                if let last = batch.last {
                    position = last.position
                    return batch
                }
                if quickLooks > 0 {
                    quickLooks -= 1
                    try? await Task.sleep(for: .milliseconds(Self.quickLookMilliseconds))
                    continue
                }
                await log.logAdvanced.wait(after: seen, timeoutSeconds: log.configuration.pollIntervalSeconds)
                if log.logAdvanced.generation != seen { quickLooks = Self.quickLooksAfterWakeUp }
            }
            return nil
        }
    }
}
