import Logging
import NIOCore

/// The channel handler of a leg's UDP socket: hands every datagram to the leg.
final class RTPLegHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let endpoint: LegEndpoint

    init(endpoint: LegEndpoint) {
        self.endpoint = endpoint
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        endpoint.received(Self.unwrapInboundIn(data).data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // An ICMP "port unreachable" and the like must not end the leg: media is best-effort.
        endpoint.settings.logger.debug("RTP socket error", metadata: ["leg": "\(endpoint.id)", "error": "\(error)"])
    }
}
