import Synchronization

/// One reader of the log's head per process, shared by every subscription of the process.
///
/// The projections, the sagas, the offer hub and the telephony consumers each follow the log
/// from their own checkpoint; when they are all near the head they want the same events at
/// the same moments. The tail keeps the newest `capacity` events it read, in commit-safe
/// order, and serves a subscription whose position lies among them from memory. A
/// subscription at the head joins the one database read in flight (single flight) instead
/// of starting its own. A subscription further behind than the buffer reaches reads on its
/// own until it catches up, so a slow consumer costs itself, never the others, and the
/// memory held is bounded by `capacity` whatever the log's size.
///
/// Serving from memory keeps every guarantee of `readAll`: events after a position are the
/// same set whoever reads them once they are below the transaction horizon, and the buffer
/// holds *every* event between its first and last position (each read continues from the
/// last), so a slice of it is exactly what the database would answer.
final class SharedLogTail: Sendable {
    /// Where a batch came from, for the metrics.
    enum Source: Sendable { case buffer, sharedRead, ownRead }

    private struct State {
        /// Every event after `from` up to `end`, oldest first; entries before `live` are spent.
        var events: [RecordedEvent] = []
        var live = 0
        /// The buffer's bounds; nil until the first read at the head.
        var from: LogPosition?
        var end: LogPosition?
        /// The read of the head in flight, continuing from `end`.
        var inFlight: Task<Void, any Error>?

        var count: Int { events.count - live }
    }

    /// How one call of `read` proceeds, decided under the lock.
    private enum Step {
        case serve([RecordedEvent])
        /// Wait for the read of the head that continues from `after`, then look again.
        case join(Task<Void, any Error>, after: LogPosition)
        case readAlone
    }

    /// Most events kept in memory.
    let capacity: Int
    /// Events fetched by one read of the head.
    let readBatch: Int
    private let state = Mutex(State())

    init(capacity: Int, readBatch: Int) {
        self.capacity = max(1, capacity)
        self.readBatch = max(1, min(readBatch, capacity))
    }

    /// Reads the log below the horizon: `(after, limit)` → events (`EventLog.readAll`).
    typealias Fetch = @Sendable (LogPosition, Int) async throws -> [RecordedEvent]

    /// Up to `limit` events after `position`, as `readAll` would answer, and where they came from.
    func read(after position: LogPosition, limit: Int, fetch: @escaping Fetch) async throws -> (events: [RecordedEvent], source: Source) {
        // Serve from memory; or join (or start) the read of the head once, then serve what it
        // brought (nothing new is an empty batch, not another read); or read alone.
        switch nextStep(after: position, limit: limit, mayJoin: true, fetch: fetch) {
        case .serve(let events):
            return (events, .buffer)
        case .readAlone:
            return (try await fetch(position, limit), .ownRead)
        case .join(let read, let readFrom):
            try await read.value
            // A read from this very position that brought nothing means nothing new yet.
            if case .serve(let events) = nextStep(after: position, limit: limit, mayJoin: false, fetch: fetch),
               !events.isEmpty || readFrom == position {
                return (events, .sharedRead)
            }
            return (try await fetch(position, limit), .ownRead)
        }
    }

    private func nextStep(after position: LogPosition, limit: Int, mayJoin: Bool, fetch: @escaping Fetch) -> Step {
        state.withLock { state -> Step in
            if let from = state.from, let end = state.end, position >= from {
                if position < end { return .serve(Self.slice(state, after: position, limit: limit)) }
                if position == end {
                    guard mayJoin else { return .serve([]) }
                    return .join(state.inFlight ?? startRead(&state, after: end, fetch: fetch), after: end)
                }
            }
            guard mayJoin else { return .readAlone }
            if let from = state.from, position < from { return .readAlone }
            // Ahead of the buffer (or no buffer yet): the head has moved past what is held,
            // so the buffer follows this position; anyone behind it reads alone until caught up.
            if let read = state.inFlight, let end = state.end { return .join(read, after: end) }
            state.events.removeAll(keepingCapacity: true)
            state.live = 0
            state.from = position
            state.end = position
            return .join(startRead(&state, after: position, fetch: fetch), after: position)
        }
    }

    /// Starts the read of the head after `end` (the caller holds the lock).
    private func startRead(_ state: inout State, after end: LogPosition, fetch: @escaping Fetch) -> Task<Void, any Error> {
        let readBatch = self.readBatch
        let read = Task {
            let result: Result<[RecordedEvent], any Error>
            do { result = .success(try await fetch(end, readBatch)) } catch { result = .failure(error) }
            try self.finishRead(after: end, with: result)
        }
        state.inFlight = read
        return read
    }

    private func finishRead(after end: LogPosition, with result: Result<[RecordedEvent], any Error>) throws {
        let capacity = self.capacity
        try state.withLock { state in
            state.inFlight = nil
            let events = try result.get()
            guard state.end == end, let last = events.last else { return }
            state.events.append(contentsOf: events)
            state.end = last.position
            let excess = state.count - capacity
            if excess > 0 {
                state.live += excess
                state.from = state.events[state.live - 1].position
            }
            // Spent entries are dropped in bulk, so trimming stays amortised O(1) per event.
            if state.live > capacity {
                state.events.removeFirst(state.live)
                state.live = 0
            }
        }
    }

    /// The events after `position` (which lies in `[from, end)`), at most `limit`.
    private static func slice(_ state: State, after position: LogPosition, limit: Int) -> [RecordedEvent] {
        var low = state.live, high = state.events.count
        while low < high {
            let middle = (low + high) / 2
            if state.events[middle].position <= position { low = middle + 1 } else { high = middle }
        }
        return Array(state.events[low..<min(low + limit, state.events.count)])
    }
}
