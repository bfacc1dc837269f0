import Logging
import NIOCore

/// Closes a connection whose request — head and body — is not all read within `timeout` of
/// its first byte. A client that trickles a byte a second is never idle, so the idle timeout
/// alone let it hold a connection for as long as it liked (slowloris, issue 14).
///
/// Guarantees:
/// - the clock starts at the first byte of each request and stops when the HTTP decoder has
///   read that request's end (`RequestRead`, sent by `RequestEndSignalHandler`); the time the
///   server takes to answer is never counted;
/// - on expiry the client gets `408 Request Timeout` unless an answer has begun on the
///   connection since the request began, and the connection is closed at once: the 408 is
///   written without waiting, so a client that does not read cannot hold the close up either;
/// - at most one timer per connection, none once the connection is closed.
///
/// It sits first in the connection's pipeline, so it sees the bytes before the HTTP decoder.
final class RequestReadDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The HTTP decoder has read a whole request: its clock stops (an outbound user event, so
    /// it travels from behind the decoder to this handler in front of it).
    struct RequestRead: Sendable {}

    private enum State {
        /// No byte of a next request yet: the idle timeout's business, not ours.
        case waiting
        case reading(since: NIODeadline, timer: Scheduled<Void>?, answerStarted: Bool)
        case closed
    }

    private let timeout: TimeAmount
    private let logger: Logger
    private var state = State.waiting

    init(timeout: TimeAmount, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .waiting = state, unwrapInboundIn(data).readableBytes > 0 {
            state = .reading(since: .now(), timer: nil, answerStarted: false)
        }
        context.fireChannelRead(data)
        // Armed after the decoder has seen the bytes: a request that arrived whole is done by
        // now and needs no timer.
        if case .reading(let since, .none, let answerStarted) = state {
            let timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: since + timeout) { [self] in
                expire(context: context)
            }
            state = .reading(since: since, timer: timer, answerStarted: answerStarted)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .reading(let since, let timer, false) = state {
            state = .reading(since: since, timer: timer, answerStarted: true)
        }
        context.write(data, promise: promise)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is RequestRead else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        if case .reading(_, let timer, _) = state {
            timer?.cancel()
            state = .waiting
        }
        promise?.succeed()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }

    private func stop() {
        if case .reading(_, let timer, _) = state { timer?.cancel() }
        state = .closed
    }

    private func expire(context: ChannelHandlerContext) {
        guard case .reading(let since, _, let answerStarted) = state else { return }
        state = .closed
        let seconds = Double((NIODeadline.now() - since).nanoseconds / 1_000_000) / 1_000
        logger.info("closed a connection whose request took too long to arrive", metadata: [
            "peer": "\(context.remoteAddress?.description ?? "unknown")", "seconds": "\(seconds)",
        ])
        if !answerStarted {
            let answer = "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: answer)), promise: nil)
        }
        context.close(promise: nil)
    }
}
