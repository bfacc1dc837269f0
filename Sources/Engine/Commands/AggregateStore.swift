import Domain
import EventLog

/// Loads an aggregate from its stream and runs a decision against it: fold the stream,
/// decide, append with the version the decision saw. A lost race re-reads and re-decides
/// (bounded), unless the caller made the write conditional on a version. Folded states are
/// cached (`StreamStateCache`): a read fetches only events after the cached version, and a
/// write decides on the cached state, trusting the append's version check to catch a
/// stream that moved on elsewhere.
public struct AggregateStore: Sendable {
    /// Longest stream folded in one request; a cart's events are bounded well below it.
    public static let maxStreamEvents = 10_000
    /// Attempts per command when other writers keep winning the race: a write fails only
    /// after 7 others to the same stream succeeded while it tried.
    public static let maxAttempts = 8
    /// The pause before re-deciding after another process won a race: 1, 2, 4 … ms (at most
    /// 64), each between half and one and a half times that, so racing processes fall apart.
    static func backoff(attempt: Int) -> Duration {
        let base = Double(1 << min(attempt - 1, 6))
        return .microseconds(Int64(base * 1_000 * Double.random(in: 0.5...1.5)))
    }

    /// Commands from this process waiting for their turn on one stream (`StreamTurns`).
    public static let maxWaitingPerStream = 1_000

    public let log: EventLog
    let cache: StreamStateCache
    let turns: StreamTurns

    public init(log: EventLog, cachedStreams: Int = 100_000) {
        self.log = log
        self.cache = StreamStateCache(capacity: cachedStreams)
        self.turns = StreamTurns(maxWaiting: Self.maxWaitingPerStream)
    }

    /// The stream's state now: the cached fold plus any events after it.
    public func load<A: Aggregate>(_: A.Type, _ stream: StreamName) async throws -> Versioned<A.State> {
        let cached = cache.get(stream, as: A.State.self)
        var state = cached?.state ?? A.initialState
        var version = cached?.version ?? 0
        defer { if version > 0 { cache.put(stream, Versioned(state: state, version: version)) } }
        let pageSize = 1_000
        while true {
            let page = try await log.read(stream: stream, from: version + 1, limit: pageSize)
            for recorded in page {
                state = A.evolve(state, try A.Event(recorded: recorded))
                version = recorded.streamVersion
            }
            if page.count < pageSize { return Versioned(state: state, version: version) }
            if version >= Int64(Self.maxStreamEvents) { throw EngineError.streamTooLong(stream: stream.rawValue, limit: Self.maxStreamEvents) }
        }
    }

    /// The cached state when there is one (possibly behind: only for deciding a write whose
    /// append checks the version), else the loaded one.
    public func latestKnown<A: Aggregate>(_: A.Type, _ stream: StreamName) async throws -> Versioned<A.State> {
        if let cached = cache.get(stream, as: A.State.self) { return cached }
        return try await load(A.self, stream)
    }

    /// Runs `decide` against the stream's state and appends what it returns. `preloaded`
    /// saves the first read when the caller already holds the state; without it the cached
    /// state is used. A conditional write (`.ifVersion`) always reads first, so that a
    /// stale cache cannot turn a valid condition into a 412.
    @discardableResult
    public func execute<A: Aggregate>(
        _ aggregate: A.Type,
        _ stream: StreamName,
        condition: WriteCondition = .latest,
        eventIDs: EventIDs = .random,
        preloaded: Versioned<A.State>? = nil,
        decide: (A.State) throws -> [A.Event]
    ) async throws -> Versioned<A.State> {
        // Commands to one stream from this process go one after the other: each decides on
        // what the one before it wrote (the cache), so racing requests queue, not collide.
        // The wait for a turn is bounded like any log operation: behind a change stuck on a
        // slow database, a queue of changes must not add its members' timeouts up.
        let waitSeconds = try log.operationSeconds("waiting for the change before this one to \(stream.rawValue)")
        return try await turns.take(stream, waitSeconds: waitSeconds) {
            try await decideAndAppend(aggregate, stream, condition: condition, eventIDs: eventIDs, preloaded: preloaded, decide: decide)
        }
    }

    private func decideAndAppend<A: Aggregate>(
        _ aggregate: A.Type,
        _ stream: StreamName,
        condition: WriteCondition,
        eventIDs: EventIDs,
        preloaded: Versioned<A.State>?,
        decide: (A.State) throws -> [A.Event]
    ) async throws -> Versioned<A.State> {
        // The newer of what the caller loaded (before its turn) and what the cache holds now.
        let cached = condition == .latest ? cache.get(stream, as: A.State.self) : nil
        var current = [preloaded, cached].compactMap { $0 }.max { $0.version < $1.version }
        // A state that was not read for this command (cached, or handed in) may be behind.
        // Only an append checks the version, so a refusal or a no-op decided on it is
        // checked again against the stream as it is before it is believed.
        var possiblyBehind = current != nil
        for attempt in 1...Self.maxAttempts {
            let loaded: Versioned<A.State>
            if let current { loaded = current } else { loaded = try await load(A.self, stream) }
            if case .ifVersion(let expected) = condition, expected != loaded.version {
                throw EngineError.preconditionFailed(stream: stream.rawValue, expected: expected, actual: loaded.version)
            }
            let events: [A.Event]
            do {
                events = try decide(loaded.state)
            } catch where possiblyBehind {
                possiblyBehind = false
                current = nil
                continue
            }
            if events.isEmpty {
                guard possiblyBehind else { return loaded }
                possiblyBehind = false
                current = nil
                continue
            }
            var newEvents: [NewEvent] = []
            for (index, event) in events.enumerated() {
                newEvents.append(try event.encodedForLog().newEvent(id: eventIDs.id(at: index)))
            }
            do {
                let result = try await log.append(to: stream, newEvents, expected: .exact(loaded.version))
                let state = events.reduce(loaded.state) { A.evolve($0, $1) }
                let written = Versioned(state: state, version: result.streamVersion)
                cache.put(stream, written)
                return written
            } catch EventLogError.wrongExpectedVersion(_, _, let actual) {
                if case .ifVersion(let expected) = condition {
                    throw EngineError.preconditionFailed(stream: stream.rawValue, expected: expected, actual: actual)
                }
                current = nil  // another process won: read again and decide again, after a jittered pause
                possiblyBehind = false
                try await Task.sleep(for: Self.backoff(attempt: attempt))
            }
        }
        throw EngineError.contention(stream: stream.rawValue, attempts: Self.maxAttempts)
    }
}
