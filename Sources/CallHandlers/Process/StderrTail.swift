import NIOCore
import Synchronization

/// Keeps the last `capacity` bytes a handler wrote to stderr, for diagnostics.
final class StderrTail: Sendable {
    private let bytes = Mutex<[UInt8]>([])
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    func append(_ buffer: ByteBuffer) {
        bytes.withLock { bytes in
            bytes.append(contentsOf: buffer.readableBytesView.suffix(capacity))
            if bytes.count > capacity { bytes.removeFirst(bytes.count - capacity) }
        }
    }

    var text: String {
        bytes.withLock { String(decoding: $0, as: UTF8.self) }
    }
}

/// Drains a handler's stderr pipe into a `StderrTail`.
final class StderrTailHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    private let tail: StderrTail

    init(tail: StderrTail) {
        self.tail = tail
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        tail.append(unwrapInboundIn(data))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
