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
    /// A queued append and how to tell its caller the outcome (exactly once). `deadline`:
    /// still queued then, it is withdrawn and times out (it never reaches the database).
    struct Pending: Sendable {
        var ticket: UInt64 = 0
        let request: AppendRequest
        let deadline: ContinuousClock.Instant?
        let complete: @Sendable (Result<AppendResult, EventLogError>) -> Void
    }

    let lanes: [CommitLane]

    init(configuration: EventLogConfiguration) {
        let lanesCount = max(1, configuration.commitLanes)
        let perLane = max(1, configuration.maxQueuedAppends / lanesCount)
        lanes = (0..<lanesCount).map { _ in CommitLane(maxQueued: perLane, maxEventsPerCommit: configuration.maxEventsPerCommit) }
    }

    /// Queues an append; it is committed once the log's `run()` drives the lane. No task
    /// and no timer of its own: the lane's sweeper withdraws it when `deadline` passes while
    /// it is still queued, and a cancelled caller withdraws it at once. Once in a batch it has
    /// an outcome (the batch has its deadline), which the caller gets.
    func submit(_ request: AppendRequest, deadline: ContinuousClock.Instant) async throws -> AppendResult {
        let lane = self.lane(for: request)
        let ticket = TicketBox()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if Task.isCancelled { continuation.resume(throwing: EventLogError.withdrawn); return }
                ticket.set(lane.enqueue(Pending(request: request, deadline: deadline) { continuation.resume(with: $0) }))
            }
        } onCancel: {
            if let queued = ticket.get() { lane.withdraw(queued, because: .withdrawn) }
        }
    }

    /// Queues many appends without a task each; returns when every one has an outcome.
    func submit(_ requests: [AppendRequest]) async -> [Result<AppendResult, EventLogError>] {
        guard !requests.isEmpty else { return [] }
        let collector = BulkOutcomes(count: requests.count)
        return await withCheckedContinuation { continuation in
            collector.whenComplete { continuation.resume(returning: $0) }
            for (index, request) in requests.enumerated() {
                lane(for: request).enqueue(Pending(request: request, deadline: nil) { collector.record($0, at: index) })
            }
        }
    }

    private func lane(for request: AppendRequest) -> CommitLane {
        lanes[Int(UInt(bitPattern: request.stream.rawValue.hashValue) % UInt(lanes.count))]
    }

    func close() { lanes.forEach { $0.close() } }
}

/// One queue of appends and the loop that commits it.
final class CommitLane: Sendable {
    private struct State {
        var queue: [GroupCommitter.Pending] = []
        var waiter: CheckedContinuation<Void, Never>?
        var isClosing = false
        var nextTicket: UInt64 = 1
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

    /// Queues `pending`; returns its ticket (nil when refused at once: it has its outcome).
    @discardableResult
    func enqueue(_ pending: GroupCommitter.Pending) -> UInt64? {
        var pending = pending
        let outcome = state.withLock { state -> Result<CheckedContinuation<Void, Never>?, EventLogError> in
            if state.isClosing { return .failure(.shuttingDown) }
            if state.queue.count >= maxQueued { return .failure(.overloaded(queued: state.queue.count)) }
            pending.ticket = state.nextTicket
            state.nextTicket += 1
            state.queue.append(pending)
            defer { state.waiter = nil }
            return .success(state.waiter)
        }
        switch outcome {
        case .success(let waiter):
            waiter?.resume()
            return pending.ticket
        case .failure(let error):
            pending.complete(.failure(error))
            return nil
        }
    }

    /// Takes an append back while it is still queued (it then never reaches the database);
    /// one already in a batch keeps its course.
    func withdraw(_ ticket: UInt64, because error: EventLogError) {
        let withdrawn = state.withLock { state -> GroupCommitter.Pending? in
            guard let index = state.queue.firstIndex(where: { $0.ticket == ticket }) else { return nil }
            return state.queue.remove(at: index)
        }
        withdrawn?.complete(.failure(error))
    }

    /// Withdraws the queued appends whose deadline has passed; returns how many.
    @discardableResult
    func expire(now: ContinuousClock.Instant, timeoutSeconds: Double) -> Int {
        let expired = state.withLock { state -> [GroupCommitter.Pending] in
            guard state.queue.contains(where: { $0.deadline.map { $0 <= now } ?? false }) else { return [] }
            var kept: [GroupCommitter.Pending] = []
            var expired: [GroupCommitter.Pending] = []
            for pending in state.queue {
                if let deadline = pending.deadline, deadline <= now { expired.append(pending) } else { kept.append(pending) }
            }
            state.queue = kept
            return expired
        }
        for pending in expired { pending.complete(.failure(.timedOut(operation: "append", seconds: timeoutSeconds))) }
        return expired.count
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

/// The ticket of a queued append, shared by the submitting task and its cancellation handler.
private final class TicketBox: Sendable {
    private let ticket = Mutex<UInt64?>(nil)
    func set(_ value: UInt64?) { ticket.withLock { $0 = value } }
    func get() -> UInt64? { ticket.withLock { $0 } }
}
