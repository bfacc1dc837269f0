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
    struct Pending: Sendable {
        let request: AppendRequest
        let continuation: CheckedContinuation<AppendResult, any Error>
    }

    let lanes: [CommitLane]

    init(configuration: EventLogConfiguration) {
        let lanesCount = max(1, configuration.commitLanes)
        let perLane = max(1, configuration.maxQueuedAppends / lanesCount)
        lanes = (0..<lanesCount).map { _ in CommitLane(maxQueued: perLane, maxEventsPerCommit: configuration.maxEventsPerCommit) }
    }

    /// Queues an append; it is committed once the log's `run()` drives the lane.
    func submit(_ request: AppendRequest) async throws -> AppendResult {
        let lane = lanes[Int(UInt(bitPattern: request.stream.rawValue.hashValue) % UInt(lanes.count))]
        return try await withCheckedThrowingContinuation { continuation in
            lane.enqueue(Pending(request: request, continuation: continuation))
        }
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
        case .failure(let error): pending.continuation.resume(throwing: error)
        }
    }

    /// The next batch: at least one append, at most `maxEventsPerCommit` events (an append
    /// is never split). Empty when the lane is closing and drained.
    func nextBatch() async -> [GroupCommitter.Pending] {
        while true {
            let batch = state.withLock { state -> [GroupCommitter.Pending]? in
                guard !state.queue.isEmpty else { return state.isClosing ? [] : nil }
                var events = 0
                var count = 0
                for pending in state.queue {
                    events += pending.request.events.count
                    if count > 0 && events > maxEventsPerCommit { break }
                    count += 1
                }
                defer { state.queue.removeFirst(count) }
                return Array(state.queue.prefix(count))
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
