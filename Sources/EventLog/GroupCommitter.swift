import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Turns many concurrent single appends into few transactions (group commit), the way
/// EventStoreDB and TigerBeetle batch: each caller keeps its own expected-version check and
/// its own result, but callers that arrive while a commit is in flight share the next one.
///
/// Streams are spread over a few lanes by name; one lane commits one batch at a time, so
/// appends to one stream from this process never race each other at the database.
final class GroupCommitter: Sendable {
    /// A queued append and how to tell its caller the outcome (exactly once).
    struct Pending: Sendable {
        let request: AppendRequest
        let complete: @Sendable (Result<AppendResult, EventLogError>) -> Void
    }

    let lanes: [CommitLane]

    init(configuration: EventLogConfiguration) {
        let lanesCount = max(1, configuration.commitLanes)
        let perLane = max(1, configuration.maxQueuedAppends / lanesCount)
        lanes = (0..<lanesCount).map { _ in CommitLane(maxQueued: perLane, maxEventsPerCommit: configuration.maxEventsPerCommit) }
    }

    /// Queues an append; it is committed once the log's `run()` drives the lane.
    func submit(_ request: AppendRequest) async throws -> AppendResult {
        try await withCheckedThrowingContinuation { continuation in
            enqueue(request) { continuation.resume(with: $0) }
        }
    }

    /// Queues many appends without a task each; returns when every one has an outcome.
    func submit(_ requests: [AppendRequest]) async -> [Result<AppendResult, EventLogError>] {
        guard !requests.isEmpty else { return [] }
        let collector = BulkOutcomes(count: requests.count)
        return await withCheckedContinuation { continuation in
            collector.whenComplete { continuation.resume(returning: $0) }
            for (index, request) in requests.enumerated() {
                enqueue(request) { collector.record($0, at: index) }
            }
        }
    }

    private func enqueue(_ request: AppendRequest, complete: @escaping @Sendable (Result<AppendResult, EventLogError>) -> Void) {
        let lane = lanes[Int(UInt(bitPattern: request.stream.rawValue.hashValue) % UInt(lanes.count))]
        lane.enqueue(Pending(request: request, complete: complete))
    }

    func close() { lanes.forEach { $0.close() } }
}

/// One queue of appends and the loop that commits it.
final class CommitLane: Sendable {
    private struct State {
        var queue: [GroupCommitter.Pending] = []
        var waiter: CheckedContinuation<Void, Never>?
        var isClosing = false
    }

    private let state = Mutex(State())
    private let maxQueued: Int
    private let maxEventsPerCommit: Int

    init(maxQueued: Int, maxEventsPerCommit: Int) {
        self.maxQueued = maxQueued
        self.maxEventsPerCommit = maxEventsPerCommit
    }

    /// Stops taking appends; the loop commits what is queued, then returns.
    func close() {
        state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.isClosing = true
            defer { state.waiter = nil }
            return state.waiter
        }?.resume()
    }

    func enqueue(_ pending: GroupCommitter.Pending) {
        let outcome = state.withLock { state -> Result<CheckedContinuation<Void, Never>?, EventLogError> in
            if state.isClosing { return .failure(.shuttingDown) }
            if state.queue.count >= maxQueued { return .failure(.overloaded(queued: state.queue.count)) }
            state.queue.append(pending)
            defer { state.waiter = nil }
            return .success(state.waiter)
        }
        switch outcome {
        case .success(let waiter): waiter?.resume()
        case .failure(let error): pending.complete(.failure(error))
        }
    }

    /// The next batch: at least one append, at most `maxEventsPerCommit` events (an append
    /// is never split), each stream and each event id at most once — a later append to a
    /// stream already in the batch waits for the next one, in order. Empty when the lane
    /// is closing and drained.
    func nextBatch() async -> [GroupCommitter.Pending] {
        while true {
            let batch = state.withLock { state -> [GroupCommitter.Pending]? in
                guard !state.queue.isEmpty else { return state.isClosing ? [] : nil }
                var batch: [GroupCommitter.Pending] = []
                var deferred: [GroupCommitter.Pending] = []
                var streams = Set<String>()
                var ids = Set<UUID>()
                var events = 0
                for pending in state.queue {
                    let request = pending.request
                    let fits = batch.isEmpty || events + request.events.count <= maxEventsPerCommit
                    let clashes = streams.contains(request.stream.rawValue) || request.events.contains { ids.contains($0.id) }
                    if fits && !clashes {
                        batch.append(pending)
                        events += request.events.count
                    } else {
                        deferred.append(pending)
                    }
                    // Whatever this append touches is taken: a later one must not overtake it.
                    streams.insert(request.stream.rawValue)
                    for event in request.events { ids.insert(event.id) }
                }
                state.queue = deferred
                return batch
            }
            if let batch { return batch }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let ready = state.withLock { state -> Bool in
                        if !state.queue.isEmpty || state.isClosing || Task.isCancelled { return true }
                        state.waiter = continuation
                        return false
                    }
                    if ready { continuation.resume() }
                }
            } onCancel: {
                self.close()
            }
        }
    }
}

/// Outcomes of a bulk append, filled in by the lanes in any order.
private final class BulkOutcomes: Sendable {
    private struct State {
        var results: [Result<AppendResult, EventLogError>?]
        var remaining: Int
        var onComplete: (@Sendable ([Result<AppendResult, EventLogError>]) -> Void)?
    }

    private let state: Mutex<State>

    init(count: Int) { state = Mutex(State(results: Array(repeating: nil, count: count), remaining: count)) }

    func whenComplete(_ body: @escaping @Sendable ([Result<AppendResult, EventLogError>]) -> Void) {
        state.withLock { $0.onComplete = body }
    }

    func record(_ result: Result<AppendResult, EventLogError>, at index: Int) {
        let done = state.withLock { state -> (([Result<AppendResult, EventLogError>]) -> Void, [Result<AppendResult, EventLogError>])? in
            precondition(state.results[index] == nil, "an append completed twice")
            state.results[index] = result
            state.remaining -= 1
            guard state.remaining == 0, let onComplete = state.onComplete else { return nil }
            return (onComplete, state.results.map { $0 ?? .failure(.shuttingDown) })
        }
        if let (onComplete, results) = done { onComplete(results) }
    }
}
