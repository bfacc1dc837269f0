import NIOCore

/// Splits a handler's stdout into lines of at most `maxLineBytes` bytes (newline excluded).
/// A longer line yields one `.overlong` and its bytes are dropped up to the next newline, so
/// memory stays bounded whatever the handler writes.
struct BoundedLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = HandlerOutput

    let maxLineBytes: Int
    private var discarding = false

    init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > maxLineBytes {
                if !discarding {
                    discarding = true
                    context.fireChannelRead(wrapInboundOut(.overlong))
                }
                buffer.moveReaderIndex(to: buffer.writerIndex)
            }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        let bytes = buffer.readBytes(length: length) ?? []
        buffer.moveReaderIndex(forwardBy: 1)
        if discarding {
            discarding = false  // the overlong line was already reported
        } else if length > maxLineBytes {
            context.fireChannelRead(wrapInboundOut(.overlong))
        } else {
            context.fireChannelRead(wrapInboundOut(.line(String(decoding: bytes, as: UTF8.self))))
        }
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // A last line without its newline still counts.
        if buffer.readableBytes > 0, !discarding {
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            context.fireChannelRead(wrapInboundOut(.line(String(decoding: bytes, as: UTF8.self))))
        }
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}
