import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1.1 connection with a deadline for reading each request: its pipeline
/// as `HTTP1Channel` builds it, with `RequestReadDeadlineHandler` in front of the decoder and
/// `RequestEndSignalHandler` behind it. (Hummingbird's `additionalChannelHandlers` go behind
/// its own codec, where the bytes of a request head still on its way are not seen.)
struct HTTP1ChannelWithReadDeadline: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let http1: HTTP1Channel
    let requestReadTimeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let timeout = requestReadTimeout
        return http1.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(RequestReadDeadlineHandler(timeout: timeout, logger: logger), position: .first)
            let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try pipeline.addHandler(RequestEndSignalHandler(), position: .after(decoder))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}
