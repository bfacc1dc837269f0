import Media
import NIOCore
import NIOPosix
import Synchronization

/// A plain UDP socket on 127.0.0.1 for the tests: sends raw datagrams, keeps what it receives (bounded).
final class UDPProbe: Sendable {
    static let maxKeptDatagrams = 10_000

    let port: Int
    private let channel: any Channel
    private let inbox: Inbox

    var address: RTPAddress { RTPAddress(host: "127.0.0.1", port: port) }

    private init(channel: any Channel, inbox: Inbox) {
        self.channel = channel
        self.inbox = inbox
        self.port = channel.localAddress?.port ?? 0
    }

    static func bind(port: Int = 0) async throws -> UDPProbe {
        let inbox = Inbox()
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(inbox: inbox))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        return UDPProbe(channel: channel, inbox: inbox)
    }

    func send(_ bytes: [UInt8], toPort port: Int) async throws {
        let remote = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        try await channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: ByteBuffer(bytes: bytes)))
    }

    /// Datagrams received so far, oldest first.
    var datagrams: [[UInt8]] { inbox.datagrams.withLock { $0 } }

    /// The received datagrams parsed as RTP (the ones that parse).
    var packets: [RTPPacket] { datagrams.compactMap { try? RTPPacket(parsing: $0) } }

    func close() async {
        try? await channel.close()
    }

    private final class Inbox: Sendable {
        let datagrams = Mutex<[[UInt8]]>([])
    }

    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let inbox: Inbox

        init(inbox: Inbox) { self.inbox = inbox }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = Array(Self.unwrapInboundIn(data).data.readableBytesView)
            inbox.datagrams.withLock { if $0.count < UDPProbe.maxKeptDatagrams { $0.append(bytes) } }
        }
    }
}

/// Waits (polling every 10 ms, at most `timeout`) until `condition` holds; returns whether it did.
func eventually(timeout: Duration = .seconds(3), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { return false }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return true
}

/// The first `count` events of `leg`, or fewer if `timeout` passes first.
func firstEvents(of leg: RTPLeg, count: Int, timeout: Duration = .seconds(3)) async -> [RTPLegEvent] {
    await withTaskGroup(of: [RTPLegEvent]?.self) { group in
        group.addTask {
            var events: [RTPLegEvent] = []
            for await event in leg.events {
                events.append(event)
                if events.count == count { break }
            }
            return events
        }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first ?? []
    }
}

/// An RTP packet's bytes.
func rtp(payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32, marker: Bool = false,
         payload: [UInt8]) -> [UInt8] {
    RTPPacket(header: RTPHeader(marker: marker, payloadType: payloadType, sequenceNumber: sequenceNumber,
                                timestamp: timestamp, ssrc: ssrc),
              payload: ByteBuffer(bytes: payload)).bytes
}
