import EventLog
import Foundation
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle

/// Runs projections and sagas (`LogConsumer`s) over the log, each in exactly one process at
/// a time. A process leads a
/// projection while it holds that projection's Postgres advisory lock on a dedicated
/// connection; when the process dies its connection closes, the lock goes, and another
/// process's next attempt takes over. Even two leaders at once could not apply a batch
/// twice: `withCheckpoint` refuses to move a checkpoint backwards.
public final class ProjectorRunner: Service, Sendable {
    /// Advisory-lock namespace of projections ("proj" in ASCII).
    static let lockClass: Int32 = 0x7072_6F6A
    /// How often a leader checks that its lock connection is alive.
    static let heartbeatSeconds = 1.0
    /// Longest wait for a lock, unlock or heartbeat query before the lock counts as lost.
    static let lockQuerySeconds = 5.0
    /// A follower tries for the lock again after 0.5…1.5 s.
    static let retryMilliseconds = 500...1_500

    let log: EventLog
    let projections: [any LogConsumer]
    let logger: Logger
    let batchSize: Int

    public init(log: EventLog, projections: [any LogConsumer], batchSize: Int = 1_000, logger: Logger) {
        self.log = log
        self.projections = projections
        self.batchSize = batchSize
        self.logger = logger
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            for projection in projections {
                group.addTask { await self.lead(projection) }
            }
        }
    }

    /// Tries to lead `projection` until shut down; follows (waits) while another leads.
    func lead(_ projection: any LogConsumer) async {
        let name = projection.name
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await withLock(name) {
                    self.logger.info("leading projection", metadata: ["projection": "\(name)"])
                    try await self.project(projection)
                }
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled || Task.isShuttingDownGracefully { return }
                logger.warning("projection stopped; restarting from its checkpoint", metadata: ["projection": "\(name)", "error": "\(error)"])
            }
            let pause = Duration.milliseconds(Int.random(in: Self.retryMilliseconds))
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }

    /// Runs `body` while holding the projection's advisory lock; returns at once if another
    /// process holds it. A heartbeat on the lock connection stops `body` if that connection
    /// (and so the lock) is lost.
    func withLock(_ name: String, _ body: @escaping @Sendable () async throws -> Void) async throws {
        let logger = self.logger
        try await log.client.withConnection { connection in
            let held = try await withDeadline(seconds: Self.lockQuerySeconds, operation: "take projection lock") {
                let acquired = try await connection.query("SELECT pg_try_advisory_lock(\(Self.lockClass), hashtext(\(name)))", logger: logger)
                for try await granted in acquired.decode(Bool.self) { return granted }
                return false
            }
            guard held else { return }
            // The lock must go before the connection returns to the pool, even when this task
            // is cancelled (shutdown): so a task of its own, bounded, because a query on a
            // connection whose server session was killed may never answer. If it cannot be
            // released, the connection is closed, which releases it at the server.
            let unlock: @Sendable () async -> Void = {
                await Task {
                    do {
                        try await withDeadline(seconds: Self.lockQuerySeconds, operation: "release projection lock") {
                            _ = try await connection.query("SELECT pg_advisory_unlock(\(Self.lockClass), hashtext(\(name)))", logger: logger)
                        }
                    } catch {
                        try? await connection.close()
                    }
                }.value
            }
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await body() }
                    group.addTask {
                        while true {
                            try await Task.sleep(for: .seconds(Self.heartbeatSeconds))
                            try await withDeadline(seconds: Self.lockQuerySeconds, operation: "projection heartbeat") {
                                _ = try await connection.query("SELECT 1", logger: logger)
                            }
                        }
                    }
                    group.addTask { try await gracefulShutdown() }
                    defer { group.cancelAll() }
                    try await group.next()
                }
            } catch {
                await unlock()
                throw error
            }
            await unlock()
        }
    }

    /// Applies batches with their checkpoint, one transaction each, until cancelled.
    func project(_ projection: any LogConsumer) async throws {
        let name = projection.name
        let consumer = projection.consumer
        let lagSeconds = Gauge(label: "cartline_projection_lag_seconds", dimensions: [("projection", name)])
        let behind = Gauge(label: "cartline_projection_behind_events", dimensions: [("projection", name)])
        let applied = Counter(label: "cartline_projection_events_applied_total", dimensions: [("projection", name)])
        let logger = self.logger
        for try await batch in log.subscribe(consumer: consumer, batchSize: batchSize) {
            guard let last = batch.last else { continue }
            try await log.withCheckpoint(last.position, for: consumer) { connection in
                try await projection.apply(batch, connection: connection, logger: logger)
            }
            applied.increment(by: batch.count)
            lagSeconds.record(max(0, Date().timeIntervalSince(last.recordedAt)))
            if let head = try? await log.headPosition() { behind.record(max(0, head - last.position.globalPosition)) }
        }
    }
}
