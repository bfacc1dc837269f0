import NIOCore
import NIOHTTP1

/// Tells `RequestReadDeadlineHandler` when the HTTP decoder has read a request's end, which
/// stops that request's clock. Placed right behind the decoder.
final class RequestEndSignalHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) {
            context.triggerUserOutboundEvent(RequestReadDeadlineHandler.RequestRead(), promise: nil)
        }
        context.fireChannelRead(data)
    }
}
