import EventLog
import Synchronization

/// Commands to one stream from this process take turns, first come first served, so that
/// forty racing changes to one cart queue up and all land instead of re-deciding against
/// each other until they give up. Only this process is ordered: another process's writes
/// are still caught by the append's version check. Bounded: past `maxWaiting` commands
/// waiting for one stream, the next is refused as contention.
final class StreamTurns: Sendable {
    private struct Line {
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    let maxWaiting: Int
    /// A stream with a line has a command running; its waiters follow in order.
    private let lines = Mutex<[String: Line]>([:])

    init(maxWaiting: Int) { self.maxWaiting = maxWaiting }

    /// Runs `body` when the stream's earlier commands from this process are done.
    func take<T: Sendable>(_ stream: StreamName, _ body: () async throws -> T) async throws -> T {
        try await acquire(stream.rawValue)
        defer { release(stream.rawValue) }
        return try await body()
    }

    private func acquire(_ key: String) async throws(EngineError) {
        enum Admission { case now, queued, full }
        var admission = Admission.now
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            admission = lines.withLock { lines -> Admission in
                guard var line = lines[key] else {
                    lines[key] = Line()
                    return .now
                }
                guard line.waiting.count < maxWaiting else { return .full }
                line.waiting.append(continuation)
                lines[key] = line
                return .queued
            }
            if admission != .queued { continuation.resume() }
        }
        if admission == .full { throw .contention(stream: key, attempts: maxWaiting) }
    }

    /// Hands the turn to the next waiter (it keeps the line), or ends the line.
    private func release(_ key: String) {
        let next = lines.withLock { lines -> CheckedContinuation<Void, Never>? in
            guard var line = lines[key] else { return nil }
            if line.waiting.isEmpty {
                lines[key] = nil
                return nil
            }
            let first = line.waiting.removeFirst()
            lines[key] = line
            return first
        }
        next?.resume()
    }
}
