import Logging
import NIOCore
import Synchronization

/// Runs the call-handler protocol with one process, for the channel that owns the call:
///
/// ```swift
/// let conversation = await HandlerConversation.start(spec: spec, header: header, eventLoopGroup: group)
/// for await command in conversation.commands {
///     switch command { case .dial: try await conversation.reply(.ok("answered")) … }
/// }
/// let end = await conversation.finish()
/// ```
///
/// It sends the header, then yields only valid commands: bad lines are answered here (510 or
/// 520) and counted, and more than `maxBadLines` of them end the conversation with
/// `handler-protocol`. Commands come in lockstep: the next line is read only when the caller
/// asks for the next command, so a handler writing ahead is held back by its pipe. Events may
/// be sent from any task at any time with `send(event:)`. Always call `finish()`: it is what
/// ends the process group and records the exit status.
public final class HandlerConversation: Sendable {
    /// The process, nil when it could not be started.
    public let process: HandlerProcess?
    private let limits: HandlerLimits
    private let logger: Logger
    private let state: Mutex<State>

    private struct State {
        var end: HandlerConversationEnd?
        var badLines = 0
        var rate: CommandRateWindow
    }

    private init(process: HandlerProcess?, limits: HandlerLimits, logger: Logger, end: HandlerConversationEnd?) {
        self.process = process
        self.limits = limits
        self.logger = logger
        self.state = Mutex(State(end: end, rate: CommandRateWindow(maxPerSecond: limits.maxCommandsPerSecond)))
    }

    /// Spawns `spec` and sends it `header`; a spawn failure gives a conversation with no
    /// commands that ends with `handler-spawn-failed`.
    public static func start(
        spec: HandlerSpec,
        header: HandlerHeader,
        limits: HandlerLimits = HandlerLimits(),
        eventLoopGroup: any EventLoopGroup,
        logger: Logger = Logger(label: "cartline.call-handler")
    ) async -> HandlerConversation {
        do {
            let process = try await HandlerProcess.spawn(spec, limits: limits, eventLoopGroup: eventLoopGroup)
            return await begin(with: process, header: header, limits: limits, logger: logger)
        } catch {
            logger.warning("call handler did not start", metadata: ["error": "\(error)"])
            return HandlerConversation(process: nil, limits: limits, logger: logger,
                                       end: HandlerConversationEnd(reason: .spawnFailed, exit: nil, detail: error.description))
        }
    }

    /// Starts the protocol with an already running process (e.g. one taken from a `WarmPool`).
    public static func begin(
        with process: HandlerProcess,
        header: HandlerHeader,
        limits: HandlerLimits = HandlerLimits(),
        logger: Logger = Logger(label: "cartline.call-handler")
    ) async -> HandlerConversation {
        var logger = logger
        logger[metadataKey: "handler-pid"] = "\(process.pid)"
        let conversation = HandlerConversation(process: process, limits: limits, logger: logger, end: nil)
        for line in header.lines {
            do {
                try await process.send(line)
            } catch {
                // A handler that exited at once is reported by its exit status, not as an I/O fault.
                conversation.end(.exited, detail: "header not delivered: \(error)")
                break
            }
        }
        return conversation
    }

    /// The handler's valid commands, in order; ends when the conversation ends.
    public var commands: HandlerCommands {
        HandlerCommands(conversation: self)
    }

    /// How many bad lines (510/520) the handler has written so far.
    public var badLines: Int {
        state.withLock { $0.badLines }
    }

    /// Replies to the command last yielded.
    public func reply(_ reply: HandlerReply) async throws(HandlerIOError) {
        try await write(reply.line)
    }

    /// Sends an asynchronous `800` event.
    public func send(event: HandlerEvent) async throws(HandlerIOError) {
        try await write(event.line)
    }

    /// Ends the conversation: gives the handler `HandlerLimits.terminateGrace` to exit by itself,
    /// then terminates its process group (SIGHUP → SIGTERM → SIGKILL); returns how it ended.
    public func finish() async -> HandlerConversationEnd {
        guard let process else { return currentEnd ?? HandlerConversationEnd(reason: .spawnFailed, exit: nil) }
        var exitedByItself = await process.waitForExit(within: limits.terminateGrace) != nil
        if !exitedByItself, currentEnd == nil {
            // Closing its input tells a well-behaved handler the call is over (it sees EOF).
            process.closePipes()
            exitedByItself = await process.waitForExit(within: limits.terminateGrace) != nil
        }
        let exit = await process.terminate(grace: limits.terminateGrace)
        end(exitedByItself ? .exited : .stopped)
        let result = state.withLock { state -> HandlerConversationEnd in
            state.end?.exit = exit
            return state.end ?? HandlerConversationEnd(reason: .stopped, exit: exit)
        }
        let level: Logger.Level = result.reason == .exited ? .debug : .notice
        logger.log(level: level, "call handler ended", metadata: ["end": "\(result)", "stderr-tail": "\(process.stderrTail.suffix(512))"])
        return result
    }

    private var currentEnd: HandlerConversationEnd? {
        state.withLock { $0.end }
    }

    /// Records the first reason the conversation ended; later ones are ignored.
    private func end(_ reason: HandlerConversationEnd.Reason, detail: String? = nil) {
        state.withLock { state in
            if state.end == nil { state.end = HandlerConversationEnd(reason: reason, exit: nil, detail: detail) }
        }
    }

    private func write(_ line: String) async throws(HandlerIOError) {
        guard let process, currentEnd == nil else { throw .closed }
        do {
            try await process.send(line)
        } catch {
            if error == .timedOut {
                end(.ioFailed, detail: error.description)
                await process.terminate(grace: limits.terminateGrace)
            }
            throw error
        }
    }

    /// Reads lines until one is a valid command; answers and counts the bad ones.
    func nextCommand() async -> HandlerCommand? {
        guard let process else { return nil }
        let deadline = ContinuousClock.now + limits.idleTimeout
        while currentEnd == nil {
            let output: HandlerOutput?
            switch await nextOutput(from: process, before: deadline) {
            case .timedOut:
                logger.notice("call handler idle: no command within the idle timeout")
                end(.idle, detail: "no command within \(limits.idleTimeout)")
                await process.terminate(grace: limits.terminateGrace)
                return nil
            case .output(let next):
                output = next
            }
            guard let output else {
                end(.exited)
                return nil
            }
            let admitted = state.withLock { $0.rate.admit(at: .now) }
            do throws(HandlerProtocolError) {
                guard admitted else { throw .rateLimited(maxPerSecond: limits.maxCommandsPerSecond) }
                switch output {
                case .overlong: throw .lineTooLong(maxBytes: limits.maxLineBytes)
                case .line(let line): return try HandlerCommandParser.parse(line)
                }
            } catch {
                let badLines = state.withLock { state -> Int in
                    state.badLines += 1
                    return state.badLines
                }
                logger.debug("bad line from call handler", metadata: ["error": "\(error)"])
                if badLines > limits.maxBadLines {
                    logger.warning("call handler flooded bad lines", metadata: ["bad-lines": "\(badLines)"])
                    end(.protocolViolation, detail: "more than \(limits.maxBadLines) bad lines")
                    await process.terminate(grace: limits.terminateGrace)
                    return nil
                }
                try? await write(error.reply.line)
            }
        }
        return nil
    }

    private enum NextOutput: Sendable {
        case output(HandlerOutput?)
        case timedOut
    }

    private func nextOutput(from process: HandlerProcess, before deadline: ContinuousClock.Instant) async -> NextOutput {
        await withTaskGroup(of: NextOutput.self) { group in
            group.addTask {
                var lines = process.lines.makeAsyncIterator()
                return .output(await lines.next())
            }
            group.addTask {
                try? await Task.sleep(until: deadline)
                return .timedOut
            }
            let first = await group.next() ?? .timedOut
            group.cancelAll()
            return first
        }
    }
}

/// The valid commands of a `HandlerConversation`, read on demand.
public struct HandlerCommands: AsyncSequence, Sendable {
    public typealias Element = HandlerCommand

    let conversation: HandlerConversation

    public struct AsyncIterator: AsyncIteratorProtocol {
        let conversation: HandlerConversation

        public mutating func next() async -> HandlerCommand? {
            await conversation.nextCommand()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(conversation: conversation)
    }
}
