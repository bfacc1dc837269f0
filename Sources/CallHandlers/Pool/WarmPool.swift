import NIOCore

/// Keeps `size` handler processes of one spec started and waiting for their header, so a call
/// does not wait for a process to start.
///
/// - `take()` hands out a ready process (or starts one if none is ready) and starts a replacement.
/// - A waiting process that exits is reaped and restarted after `RestartBackoff`; after
///   `crashLimit` crashes within `crashWindow` the pool marks itself failed for `coolOff`
///   instead of flapping, then tries again.
/// - Every count is bounded: at most `size` processes ready or starting, `maxRecentExits` exits.
public actor WarmPool {
    private struct Ready {
        var process: HandlerProcess
        var startedAt: ContinuousClock.Instant
    }

    private let configuration: WarmPoolConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let reaper: ProcessReaper
    private var ready: [Ready] = []
    private var starting = 0
    private var restarts = 0
    private var consecutiveCrashes = 0
    private var crashTimes: [ContinuousClock.Instant] = []
    private var recentExits: [WarmPoolStatus.Exit] = []
    private var failedUntil: ContinuousClock.Instant?
    private var isShutDown = false
    private var random = SystemRandomNumberGenerator()

    public init(configuration: WarmPoolConfiguration, eventLoopGroup: any EventLoopGroup, reaper: ProcessReaper = .shared) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.reaper = reaper
    }

    /// Starts the processes up to `size`.
    public func start() {
        refill(after: .zero)
    }

    /// A ready process (the caller now owns it: it must end it), or a freshly started one.
    public func take() async throws(WarmPoolError) -> HandlerProcess {
        guard !isShutDown else { throw .shutDown }
        if !ready.isEmpty {
            let taken = ready.removeFirst()
            consecutiveCrashes = 0  // it survived until used: the spec works
            refill(after: .zero)
            return taken.process
        }
        if let failedUntil { throw .failed(until: failedUntil) }
        do {
            let process = try await HandlerProcess.spawn(configuration.spec, limits: configuration.limits, eventLoopGroup: eventLoopGroup, reaper: reaper)
            refill(after: .zero)
            return process
        } catch {
            throw .spawn(error)
        }
    }

    /// Counts, pids, restarts and recent exits.
    public func status() -> WarmPoolStatus {
        WarmPoolStatus(ready: ready.count, starting: starting, pids: ready.map(\.process.pid), restarts: restarts,
                       recentExits: recentExits, failedUntil: failedUntil)
    }

    /// Terminates every waiting process and starts no more.
    public func shutdown() async {
        isShutDown = true
        let processes = ready.map(\.process)
        ready.removeAll()
        let grace = configuration.limits.terminateGrace
        await withTaskGroup(of: Void.self) { group in
            for process in processes {
                group.addTask { await process.terminate(grace: grace) }
            }
        }
    }

    /// Schedules starts until ready + starting reaches `size`.
    private func refill(after delay: Duration) {
        while !isShutDown, failedUntil == nil, ready.count + starting < configuration.size {
            starting += 1
            Task { await self.startOne(after: delay) }
        }
    }

    private func startOne(after delay: Duration) async {
        if delay > .zero { try? await Task.sleep(for: delay) }
        guard !isShutDown, failedUntil == nil else {
            starting -= 1
            return
        }
        do {
            let process = try await HandlerProcess.spawn(configuration.spec, limits: configuration.limits, eventLoopGroup: eventLoopGroup, reaper: reaper)
            starting -= 1
            if isShutDown {
                await process.terminate(grace: configuration.limits.terminateGrace)
                return
            }
            ready.append(Ready(process: process, startedAt: .now))
            Task {
                let exit = await process.waitForExit()
                self.waitingProcessExited(process, exit)
            }
        } catch {
            starting -= 1
            recordCrash(pid: 0, exit: .unknown, lived: .zero)
        }
    }

    private func waitingProcessExited(_ process: HandlerProcess, _ exit: HandlerExit) {
        // A process already handed out is its caller's business.
        guard let index = ready.firstIndex(where: { $0.process === process }) else { return }
        let entry = ready.remove(at: index)
        process.closePipes()
        recordCrash(pid: process.pid, exit: exit, lived: .now - entry.startedAt)
    }

    private func recordCrash(pid: Int32, exit: HandlerExit, lived: Duration) {
        let now = ContinuousClock.now
        recentExits.append(WarmPoolStatus.Exit(pid: pid, exit: exit, at: now))
        if recentExits.count > WarmPoolStatus.maxRecentExits { recentExits.removeFirst() }
        consecutiveCrashes = lived >= configuration.stableAfter ? 1 : consecutiveCrashes + 1
        crashTimes = (crashTimes + [now]).filter { now - $0 < configuration.crashWindow }.suffix(configuration.crashLimit)
        guard !isShutDown else { return }
        if crashTimes.count >= configuration.crashLimit {
            let until = now + configuration.coolOff
            failedUntil = until
            crashTimes.removeAll()
            Task {
                try? await Task.sleep(until: until)
                self.endCoolOff()
            }
            return
        }
        restarts += 1
        refill(after: configuration.backoff.delay(afterFailures: consecutiveCrashes, using: &random))
    }

    private func endCoolOff() {
        failedUntil = nil
        restarts += 1
        refill(after: .zero)
    }
}
