import EventLog
import Synchronization

/// Commands to one stream from this process take turns, first come first served, so that
/// forty racing changes to one cart queue up and all land instead of re-deciding against
/// each other until they give up. Only this process is ordered: another process's writes
/// are still caught by the append's version check. Bounded: past `maxWaiting` commands
/// waiting for one stream, the next is refused as contention; a command that waits longer
/// than `waitSeconds` for its turn (the one before it is stuck on a slow database) gives up
/// as timed out, so a queue of changes to one cart cannot add its members' timeouts up.
final class StreamTurns: Sendable {
    private struct Waiter {
        let ticket: UInt64
        /// Resumed with true when the turn is handed over, false when the wait gave up.
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct Line {
        var waiting: [Waiter] = []
    }

    let maxWaiting: Int
    /// A stream with a line has a command running; its waiters follow in order.
    private let lines = Mutex<[String: Line]>([:])
    private let nextTicket = Atomic<UInt64>(1)

    init(maxWaiting: Int) { self.maxWaiting = maxWaiting }

    /// Runs `body` when the stream's earlier commands from this process are done; throws
    /// `EventLogError.timedOut` if that takes longer than `waitSeconds`.
    func take<T: Sendable>(_ stream: StreamName, waitSeconds: Double, _ body: () async throws -> T) async throws -> T {
        try await acquire(stream.rawValue, waitSeconds: waitSeconds)
        defer { release(stream.rawValue) }
        return try await body()
    }

    private func acquire(_ key: String, waitSeconds: Double) async throws {
        enum Admission { case now, queued, full }
        let ticket = nextTicket.add(1, ordering: .relaxed).oldValue
        var admission = Admission.now
        var timer: Task<Void, Never>?
        let granted = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            admission = lines.withLock { lines -> Admission in
                guard var line = lines[key] else {
                    lines[key] = Line()
                    return .now
                }
                guard line.waiting.count < maxWaiting else { return .full }
                line.waiting.append(Waiter(ticket: ticket, continuation: continuation))
                lines[key] = line
                return .queued
            }
            if admission == .queued {
                timer = Task { [self] in
                    if (try? await Task.sleep(for: .seconds(waitSeconds))) != nil { giveUp(key, ticket: ticket) }
                }
            } else {
                continuation.resume(returning: true)
            }
        }
        timer?.cancel()
        if admission == .full { throw EngineError.contention(stream: key, attempts: maxWaiting) }
        if !granted { throw EventLogError.timedOut(operation: "waiting for the change before this one to \(key)", seconds: waitSeconds) }
    }

    /// Takes a waiter out of its line when its wait is over (unless the turn reached it first).
    private func giveUp(_ key: String, ticket: UInt64) {
        let waiter = lines.withLock { lines -> Waiter? in
            guard var line = lines[key], let index = line.waiting.firstIndex(where: { $0.ticket == ticket }) else { return nil }
            let waiter = line.waiting.remove(at: index)
            lines[key] = line
            return waiter
        }
        waiter?.continuation.resume(returning: false)
    }

    /// Hands the turn to the next waiter (it keeps the line), or ends the line.
    private func release(_ key: String) {
        let next = lines.withLock { lines -> Waiter? in
            guard var line = lines[key] else { return nil }
            if line.waiting.isEmpty {
                lines[key] = nil
                return nil
            }
            let first = line.waiting.removeFirst()
            lines[key] = line
            return first
        }
        next?.continuation.resume(returning: true)
    }
}
