import CoreMetrics
import Logging
import PostgresNIO
import ServiceLifecycle

extension EventLog {
    /// Runs the group commit, NOTIFY listener and sender, and the horizon metric until a
    /// graceful shutdown (or cancellation); queued appends are committed before it returns.
    public func run() async throws {
        await withTaskGroup(of: Void.self) { lanes in
            for lane in committer.lanes {
                lanes.addTask { await self.runLane(lane) }
            }
            setRunning(true)
            defer { setRunning(false) }
            await withTaskGroup(of: Void.self) { background in
                background.addTask { await self.expireOverdueAppends() }
                if configuration.wakeUp == .notify {
                    background.addTask { await self.listenForCommits() }
                    background.addTask { await self.announceCommits() }
                }
                background.addTask { await self.sampleHorizon() }
                try? await gracefulShutdown()
                background.cancelAll()
            }
            committer.close()
        }
    }

    /// One sweeper for every lane: appends still queued at their deadline are withdrawn
    /// (they never reach the database) and time out. Looks four times a second.
    private func expireOverdueAppends() async {
        while !Task.isCancelled {
            let now = ContinuousClock.now
            for lane in committer.lanes { lane.expire(now: now, timeoutSeconds: configuration.operationTimeoutSeconds) }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    private func runLane(_ lane: CommitLane) async {
        while true {
            let batch = await lane.nextBatch()
            if batch.isEmpty { return }
            await commit(batch)
        }
    }

    /// Commits one batch; retries it whole when another process took a version first, and
    /// splits it when the database refuses a statement so one bad append fails alone.
    private func commit(_ batch: [GroupCommitter.Pending]) async {
        let requests = batch.map(\.request)
        let writer = AppendBatchWriter()
        let client = self.client
        let logger = self.logger
        let timeout = configuration.operationTimeoutSeconds
        var attempt = 0
        while true {
            do {
                // The wait for a connection ends at the batch's earliest deadline (so an append
                // waits at most its own timeout before its statement is sent), yet never sooner
                // than a quarter of the timeout from now, so no batch is doomed when formed.
                // A statement once sent is waited for (`CommitAttempt`): its server cuts it off,
                // and only past the margin is its outcome unknown.
                let sent = CommitAttempt()
                let now = ContinuousClock.now
                let leaseEnds = max(batch.compactMap(\.deadline).min() ?? now + .seconds(timeout), now + .seconds(timeout / 4))
                let outcomes = try await withDeadline(seconds: 2 * timeout + Self.sentStatementMarginSeconds, operation: "append (outcome unknown)") {
                    try await withThrowingTaskGroup(of: [AppendBatchWriter.Outcome]?.self) { group in
                        group.addTask {
                            try await client.withConnection { connection in
                                guard sent.startWriting() else { throw EventLogError.timedOut(operation: "append", seconds: timeout) }
                                return try await writer.write(requests, on: connection, logger: logger)
                            }
                        }
                        group.addTask {
                            try await Task.sleep(until: leaseEnds, clock: .continuous)
                            if sent.expire() { throw EventLogError.timedOut(operation: "append", seconds: timeout) }
                            return nil
                        }
                        defer { group.cancelAll() }
                        while let result = try await group.next() {
                            if let outcomes = result { return outcomes }
                        }
                        throw EventLogError.shuttingDown
                    }
                }
                deliver(outcomes, to: batch)
                return
            } catch {
                if DatabaseErrorMapping.isUniqueViolation(error) && attempt < configuration.maxBatchRetries {
                    attempt += 1
                    metrics.batchRetries.increment()
                    // Another process took a version first: again, after a short jittered pause.
                    try? await Task.sleep(for: .microseconds(Int64(Double(200 << min(attempt, 5)) * Double.random(in: 0.5...1.5))))
                    continue
                }
                if DatabaseErrorMapping.isStatementError(error) && !DatabaseErrorMapping.isStatementTimeout(error) && batch.count > 1 {
                    for pending in batch { await commit([pending]) }
                    return
                }
                let failure = DatabaseErrorMapping.map(error)
                logger.warning("append failed", metadata: ["error": "\(failure)", "appends": "\(batch.count)"])
                metrics.appendsFailed.increment(by: batch.count)
                for pending in batch { pending.complete(.failure(failure)) }
                return
            }
        }
    }

    /// How long past twice the operation timeout a sent append statement is still waited
    /// for. `cartline serve` sets the server's `statement_timeout` to the operation timeout,
    /// so the statement ends first; past this margin the outcome is unknown.
    static let sentStatementMarginSeconds = 5.0

    private func deliver(_ outcomes: [AppendBatchWriter.Outcome], to batch: [GroupCommitter.Pending]) {
        var appendedEvents = 0
        for (pending, outcome) in zip(batch, outcomes) {
            switch outcome {
            case .appended(let result):
                appendedEvents += result.positions.count
                metrics.appendsOK.increment()
                pending.complete(.success(result))
            case .refused(let error):
                metrics.appendsRefused.increment()
                pending.complete(.failure(error))
            }
        }
        metrics.eventsAppended.increment(by: appendedEvents)
        metrics.commitBatchEvents.record(appendedEvents)
        if appendedEvents > 0 && configuration.wakeUp == .notify {
            localCommits.fire()
            logAdvanced.fire()
        }
    }

    /// Holds one connection in LISTEN and turns every NOTIFY into a wake-up. Reconnects
    /// with a bounded, jittered back-off; each (re)connect wakes readers once, since
    /// notifications sent while disconnected are lost.
    private func listenForCommits() async {
        var backoffSeconds = 0.1
        while !Task.isCancelled {
            let began = ContinuousClock.now
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: self.configuration.notifyChannel) { notifications in
                        self.logAdvanced.fire()
                        for try await _ in notifications { self.logAdvanced.fire() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("LISTEN connection lost; retrying", metadata: ["error": "\(DatabaseErrorMapping.map(error))"])
            }
            // A connection that held for a while was healthy: start the back-off afresh.
            backoffSeconds = ContinuousClock.now - began > .seconds(10) ? 0.1 : min(backoffSeconds * 2, 5)
            try? await Task.sleep(for: .seconds(backoffSeconds * Double.random(in: 0.5...1.5)))
        }
    }

    /// Sends one NOTIFY after local commits, outside the append transaction. Commits that
    /// land while a NOTIFY is in flight share the next one (debounce).
    private func announceCommits() async {
        var seen = localCommits.generation
        while !Task.isCancelled {
            await localCommits.wait(after: seen, timeoutSeconds: 60)
            let now = localCommits.generation
            guard now != seen else { continue }
            seen = now
            do {
                try await client.query("SELECT pg_notify(\(configuration.notifyChannel), '')", logger: logger)
            } catch {
                if Task.isCancelled { return }
                logger.debug("NOTIFY failed; readers fall back to polling", metadata: ["error": "\(DatabaseErrorMapping.map(error))"])
            }
        }
    }

    private func sampleHorizon() async {
        while !Task.isCancelled {
            if let age = try? await horizonAgeSeconds() { metrics.horizonAgeSeconds.record(age) }
            try? await Task.sleep(for: .seconds(configuration.horizonSampleIntervalSeconds))
        }
    }

    /// Seconds since the oldest transaction holding an xid began: no reader passes its
    /// events until it ends, so this is how far behind readers can be held.
    public func horizonAgeSeconds() async throws -> Double {
        let client = self.client
        let logger = self.logger
        return try await run("horizon age") {
            let rows = try await client.query("""
                SELECT COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - min(xact_start)), 0)::float8
                FROM pg_stat_activity WHERE backend_xid IS NOT NULL
                """, logger: logger)
            for try await age in rows.decode(Double.self) { return age }
            return 0
        }
    }
}
