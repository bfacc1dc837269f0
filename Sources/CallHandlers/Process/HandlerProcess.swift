#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import Synchronization

/// One running call-handler process: its line-oriented stdin/stdout, the tail of its stderr,
/// and its exit status, which the shared `ProcessReaper` always collects.
///
/// Guarantees (tested in HandlerProcessTests):
/// - the child runs in its own process group with only descriptors 0–2 open and exactly the
///   spec's environment (see `PosixSpawner`);
/// - it is reaped as soon as it exits, whoever waits for it, so it never stays a zombie;
/// - `terminate` ends the whole process group: SIGHUP, then SIGTERM, then SIGKILL, with bounded
///   waits, and closes the pipes.
public final class HandlerProcess: Sendable {
    /// The handler's pid, which is also its process group id.
    public let pid: Int32
    /// The lines the handler writes on stdout; iterate from one task only.
    public let lines: HandlerLines

    private let channel: any Channel
    private let stderrChannel: any Channel
    private let stderr: StderrTail
    private let limits: HandlerLimits
    private let exitState = Mutex(ExitState())

    private struct ExitState {
        var exit: HandlerExit?
        var waiters: [Int: CheckedContinuation<HandlerExit?, Never>] = [:]
        var nextWaiter = 0
    }

    private init(pid: Int32, channel: any Channel, stderrChannel: any Channel, inbox: LineInbox, stderr: StderrTail, limits: HandlerLimits) {
        self.pid = pid
        self.channel = channel
        self.stderrChannel = stderrChannel
        self.lines = HandlerLines(inbox: inbox)
        self.stderr = stderr
        self.limits = limits
    }

    /// Starts `spec` as a child process and attaches its pipes to `eventLoopGroup`.
    public static func spawn(
        _ spec: HandlerSpec,
        limits: HandlerLimits = HandlerLimits(),
        eventLoopGroup: any EventLoopGroup,
        reaper: ProcessReaper = .shared
    ) async throws(HandlerSpawnError) -> HandlerProcess {
        let child = try PosixSpawner.spawn(spec)
        let inbox = LineInbox(capacity: limits.bufferedLines)
        let tail = StderrTail(capacity: limits.stderrTailBytes)
        let maxLineBytes = limits.maxLineBytes
        var channel: (any Channel)?
        do {
            let lineChannel = try await NIOPipeBootstrap(group: eventLoopGroup)
                .channelOption(ChannelOptions.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 4096))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(BoundedLineDecoder(maxLineBytes: maxLineBytes)))
                        try channel.pipeline.syncOperations.addHandler(LineInboxHandler(inbox: inbox))
                    }
                }
                .takingOwnershipOfDescriptors(input: child.stdoutRead, output: child.stdinWrite).get()
            channel = lineChannel
            inbox.attach(lineChannel)
            let stderrChannel = try await NIOPipeBootstrap(group: eventLoopGroup)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(StderrTailHandler(tail: tail))
                    }
                }
                .takingOwnershipOfDescriptor(input: child.stderrRead).get()
            let process = HandlerProcess(pid: child.pid, channel: lineChannel, stderrChannel: stderrChannel, inbox: inbox, stderr: tail, limits: limits)
            reaper.watch(child.pid) { [process] exit in process.recordExit(exit) }
            return process
        } catch {
            // The child cannot be talked to: end it, and still reap it.
            if let channel {
                channel.close(promise: nil)
                _ = close(child.stderrRead)
            } else {
                [child.stdinWrite, child.stdoutRead, child.stderrRead].forEach { _ = close($0) }
            }
            kill(-child.pid, SIGKILL)
            reaper.watch(child.pid) { _ in }
            throw .io("\(error)")
        }
    }

    /// The last bytes the handler wrote to stderr (at most `HandlerLimits.stderrTailBytes`).
    public var stderrTail: String {
        stderr.text
    }

    /// The exit status, once the process has been reaped.
    public var exit: HandlerExit? {
        exitState.withLock { $0.exit }
    }

    /// Writes `line` and a newline to the handler's stdin, waiting at most the write timeout.
    public func send(_ line: String) async throws(HandlerIOError) {
        guard !line.utf8.contains(where: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) else {
            throw .invalidLine("line break inside a line")
        }
        guard line.utf8.count <= limits.maxLineBytes else { throw .invalidLine("longer than \(limits.maxLineBytes) bytes") }
        var buffer = channel.allocator.buffer(capacity: line.utf8.count + 1)
        buffer.writeString(line)
        buffer.writeInteger(UInt8(ascii: "\n"))
        let eventLoop = channel.eventLoop
        let result = eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(buffer).cascade(to: result)
        let timeout = eventLoop.scheduleTask(in: TimeAmount(limits.writeTimeout)) {
            result.fail(HandlerIOError.timedOut)
        }
        do {
            try await result.futureResult.get()
            timeout.cancel()
        } catch let error as HandlerIOError {
            throw error
        } catch {
            timeout.cancel()
            throw .closed
        }
    }

    /// Waits until the process has exited and been reaped (`.unknown` if the task is cancelled).
    public func waitForExit() async -> HandlerExit {
        await exitOrNil() ?? .unknown
    }

    /// Waits at most `timeout` for the exit; nil if the process still runs.
    public func waitForExit(within timeout: Duration) async -> HandlerExit? {
        if let exit { return exit }
        return await withTaskGroup(of: HandlerExit?.self) { group in
            group.addTask { await self.exitOrNil() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Ends the handler and everything in its process group: SIGHUP, then after `grace`
    /// SIGTERM, then after `grace` SIGKILL; then kills stragglers in the group (children that
    /// outlived the leader) and closes the pipes. Returns the leader's exit status.
    @discardableResult
    public func terminate(grace: Duration) async -> HandlerExit {
        var exit = self.exit
        if exit == nil {
            for signal in [SIGHUP, SIGTERM] {
                kill(-pid, signal)
                exit = await waitForExit(within: grace)
                if exit != nil { break }
            }
        }
        if exit == nil {
            kill(-pid, SIGKILL)
            // SIGKILL cannot be ignored; the bound only guards a process stuck in the kernel.
            exit = await waitForExit(within: .seconds(10))
        }
        // Stragglers (children that outlived the leader). The group id stays reserved while any
        // member lives; but once the whole group is gone the id can be reused, by a newcomer
        // whose own pid equals it. Our leader is reaped, so a live process with that pid is
        // such a newcomer: then the group is not ours and is left alone.
        if kill(pid, 0) != 0 && errno == ESRCH {
            kill(-pid, SIGKILL)
        }
        closePipes()
        return exit ?? .unknown
    }

    /// Closes stdin, stdout and stderr; the handler sees EOF and broken pipes.
    public func closePipes() {
        channel.close(promise: nil)
        stderrChannel.close(promise: nil)
    }

    private func recordExit(_ exit: HandlerExit) {
        let waiters = exitState.withLock { state -> [CheckedContinuation<HandlerExit?, Never>] in
            state.exit = exit
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        waiters.forEach { $0.resume(returning: exit) }
    }

    private func exitOrNil() async -> HandlerExit? {
        let id = exitState.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<HandlerExit?, Never>) in
                exitState.withLock { state in
                    if let exit = state.exit {
                        continuation.resume(returning: exit)
                    } else if Task.isCancelled {
                        continuation.resume(returning: nil)
                    } else {
                        state.waiters[id] = continuation
                    }
                }
            }
        } onCancel: {
            exitState.withLock { $0.waiters.removeValue(forKey: id) }?.resume(returning: nil)
        }
    }
}
