import EventLog
import Logging
import PostgresNIO

/// Whether a telephony node is alive is a Postgres session it holds, not heartbeat events
/// that would flood the log: the node takes an advisory lock (class "tele", key
/// `hashtext(node)`) on a dedicated connection for as long as it runs. When the process
/// dies the connection closes and the lock goes with it; `TelephonyCapacity` counts only
/// nodes whose lock is held.
///
/// When the lock's connection is lost while the node runs (Postgres restarted, the network
/// dropped), the node keeps its live calls and takes the lock again as soon as the database
/// answers: a database blip must not end the calls people are on, nor the process. Only when
/// another process has taken the name meanwhile does the node stop.
struct NodeLiveness: Sendable {
    /// Advisory-lock class of telephony nodes ("tele" in ASCII).
    static let lockClass: Int32 = 0x7465_6C65
    /// How long a starting node waits for its name's lock (a predecessor's session may
    /// still be closing after a kill -9).
    static let acquireWait: Duration = .seconds(20)
    static let heartbeatInterval: Duration = .seconds(5)
    static let queryDeadlineSeconds = 5.0
    /// Pause between attempts to reach the database again after the lock's session was lost.
    static let reconnectPause: Duration = .seconds(1)

    let log: EventLog
    let node: String
    let logger: Logger

    /// Runs `body` while holding the node's lock (taking it again after a lost session);
    /// throws `anotherNodeRuns` when the lock stays taken by another process, and the
    /// database's error when the first attempt cannot reach it.
    func whileAlive(_ body: @escaping @Sendable () async throws -> Void) async throws {
        let (acquisitions, acquired) = AsyncStream<Result<Void, any Error>>.makeStream(bufferingPolicy: .bufferingNewest(1))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.holdLock(reporting: acquired) }
            defer { group.cancelAll() }
            var first = acquisitions.makeAsyncIterator()
            guard let outcome = await first.next() else { throw CancellationError() }
            try outcome.get()
            group.addTask { try await body() }
            // The body returning ends the node; the lock's task ends only by throwing.
            try await group.next()
        }
    }

    /// Takes the lock and keeps it, reporting the first attempt's outcome on `acquired`;
    /// a lost session is retried until the task is cancelled.
    private func holdLock(reporting acquired: AsyncStream<Result<Void, any Error>>.Continuation) async throws {
        var sessions = 0  // sessions in which the lock was held
        while !Task.isCancelled {
            do {
                try await holdOnce {
                    sessions += 1
                    if sessions == 1 { acquired.yield(.success(())) } else {
                        logger.notice("telephony node holds its lock again", metadata: ["node": "\(node)", "session": "\(sessions)"])
                    }
                }
                return
            } catch let error as TelephonyNodeError {
                if sessions == 0 { acquired.yield(.failure(error)) }
                throw error
            } catch is CancellationError {
                return
            } catch {
                guard sessions > 0 else {
                    acquired.yield(.failure(error))
                    throw error
                }
                logger.warning("telephony node lost its database session; keeping its calls and taking the lock again",
                               metadata: ["node": "\(node)", "error": "\(error)"])
                try await Task.sleep(for: Self.reconnectPause)
            }
        }
    }

    /// One session: takes the lock on a connection of its own (waiting up to `acquireWait`
    /// for a predecessor's session to close), calls `held`, then checks the connection every
    /// `heartbeatInterval` until a check fails (thrown) or the task is cancelled.
    private func holdOnce(held: () -> Void) async throws {
        let node = self.node
        let logger = self.logger
        try await log.client.withConnection { connection in
            let deadline = ContinuousClock.now + Self.acquireWait
            while true {
                let rows = try await withDeadline(seconds: Self.queryDeadlineSeconds, operation: "take node lock") {
                    try await connection.query("SELECT pg_try_advisory_lock(\(Self.lockClass), hashtext(\(node)))", logger: logger)
                }
                var taken = false
                for try await value in rows.decode(Bool.self) { taken = value }
                if taken { break }
                guard ContinuousClock.now < deadline else { throw TelephonyNodeError.anotherNodeRuns(node) }
                try await Task.sleep(for: .milliseconds(250))
            }
            held()
            do {
                while true {
                    try await Task.sleep(for: Self.heartbeatInterval)
                    _ = try await withDeadline(seconds: Self.queryDeadlineSeconds, operation: "node heartbeat") {
                        try await connection.query("SELECT 1", logger: logger)
                    }
                }
            } catch is CancellationError {
                // Stopping: give the lock back now — the connection goes back to the pool, not
                // away. A task of its own, so this task's cancellation does not stop the query.
                await Task {
                    _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockClass), hashtext(\(node)))", logger: logger)
                }.value
            }
        }
    }
}
