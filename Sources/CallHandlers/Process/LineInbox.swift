import NIOCore
import Synchronization

/// The bounded queue between a handler's stdout channel and the one task reading its lines.
/// When `capacity` lines wait, the channel stops reading (autoRead off) until the reader has
/// taken half of them: the pipe then fills and the handler blocks, instead of memory growing.
final class LineInbox: Sendable {
    private struct State {
        var queue: [HandlerOutput] = []
        var finished = false
        var waiter: CheckedContinuation<HandlerOutput?, Never>?
        var paused = false
        var channel: (any Channel)?
    }

    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(2, capacity)
    }

    func attach(_ channel: any Channel) {
        state.withLock { $0.channel = channel }
    }

    /// Called on the event loop; returns true when reading must pause.
    func push(_ output: HandlerOutput) -> Bool {
        state.withLock { state -> Bool in
            if let waiter = state.waiter {
                state.waiter = nil
                waiter.resume(returning: output)
                return false
            }
            state.queue.append(output)
            if state.queue.count >= capacity, !state.paused {
                state.paused = true
                return true
            }
            return false
        }
    }

    func finish() {
        state.withLock { state in
            state.finished = true
            state.waiter?.resume(returning: nil)
            state.waiter = nil
        }
    }

    /// The next output, or nil once the handler's stdout is closed (or the task is cancelled).
    /// One reader at a time: a second concurrent reader gets nil.
    func next() async -> HandlerOutput? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<HandlerOutput?, Never>) in
                let resume = state.withLock { state -> (any Channel)? in
                    if !state.queue.isEmpty {
                        continuation.resume(returning: state.queue.removeFirst())
                        if state.paused, state.queue.count <= capacity / 2 {
                            state.paused = false
                            return state.channel
                        }
                        return nil
                    }
                    if state.finished || state.waiter != nil || Task.isCancelled {
                        continuation.resume(returning: nil)
                    } else {
                        state.waiter = continuation
                    }
                    return nil
                }
                resume?.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
            }
        } onCancel: {
            state.withLock { state in
                state.waiter?.resume(returning: nil)
                state.waiter = nil
            }
        }
    }
}

/// Feeds decoded lines into a `LineInbox` and pauses reading when it is full.
final class LineInboxHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HandlerOutput

    private let inbox: LineInbox

    init(inbox: LineInbox) {
        self.inbox = inbox
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if inbox.push(unwrapInboundIn(data)) {
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbox.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A read or write error on a handler pipe ends the conversation: close both directions.
        context.close(promise: nil)
    }
}

/// The lines a handler writes, in order; the sequence ends when its stdout closes.
/// Iterate it from one task only.
public struct HandlerLines: AsyncSequence, Sendable {
    public typealias Element = HandlerOutput

    let inbox: LineInbox

    public struct AsyncIterator: AsyncIteratorProtocol {
        let inbox: LineInbox

        public mutating func next() async -> HandlerOutput? {
            await inbox.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(inbox: inbox)
    }
}
