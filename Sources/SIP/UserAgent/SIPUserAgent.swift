import Logging
import NIOCore
import NIOPosix

/// A SIP user agent client over UDP that places outbound calls (RFC 3261).
///
/// All call and transaction state lives on one event loop (`UserAgentCore`); this type only
/// hops onto it. One socket serves every leg; legs are told apart by Call-ID and branch.
public final class SIPUserAgent: Sendable {
    private let configuration: SIPUserAgentConfiguration
    private let eventLoop: any EventLoop
    private let logger: Logger
    private let core: NIOLoopBoundBox<UserAgentCore>
    private let liveLegs = LiveLegCounter()

    public init(configuration: SIPUserAgentConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.eventLoop = eventLoopGroup.next()
        self.logger = logger
        self.core = NIOLoopBoundBox.makeBoxSendingValue(
            UserAgentCore(configuration: configuration, eventLoop: eventLoop, logger: logger, liveLegs: liveLegs),
            eventLoop: eventLoop
        )
    }

    /// Binds the UDP socket; returns the local port.
    public func start() async throws -> Int {
        let core = self.core
        let alreadyStarted = try await eventLoop.submit { core.value.channel != nil }.get()
        guard !alreadyStarted else { throw SIPError.alreadyStarted }
        let channel: any Channel
        do {
            channel = try await DatagramBootstrap(group: eventLoop)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(UserAgentChannelHandler(core: core))
                    }
                }
                .bind(host: configuration.bindHost, port: configuration.bindPort)
                .get()
        } catch {
            throw SIPError.bindFailed("\(configuration.bindHost):\(configuration.bindPort): \(error)")
        }
        let port = channel.localAddress?.port ?? configuration.bindPort
        try await eventLoop.submit {
            core.value.channel = channel
            core.value.localPort = port
        }.get()
        logger.info("SIP user agent listening", metadata: ["host": "\(configuration.bindHost)", "port": "\(port)"])
        return port
    }

    /// Ends live legs (BYE or CANCEL, best effort, waiting at most `shutdownGrace`) and closes the socket.
    public func shutdown() async {
        let core = self.core
        guard (try? await eventLoop.submit({ core.value.beginShutdown() }).get()) != nil else { return }
        let deadline = ContinuousClock.now + configuration.shutdownGrace
        while liveLegs.value > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let channel = try? await eventLoop.submit { () -> (any Channel)? in
            core.value.finishShutdown()
            defer { core.value.channel = nil }
            return core.value.channel
        }.get()
        try? await channel?.close()
    }

    /// Sends an INVITE and returns the leg at once; progress arrives on `leg.events`.
    public func invite(_ call: OutgoingCall) async throws(SIPError) -> SIPLeg {
        let requestURI: SIPURI
        do { requestURI = try SIPURI(parsing: call.requestURI) } catch { throw .invalidRequestURI(error.description) }
        let hopURI = call.outboundProxy.map { SIPURI(host: $0.host, port: $0.port) } ?? requestURI
        let firstHop: SocketAddress
        do { firstHop = try SocketAddress.forSIP(hopURI) } catch { throw .unresolvableHost(hopURI.host) }
        let core = self.core
        let eventLoop = self.eventLoop
        let leg = SIPLeg(callID: Random.callID()) { callID in
            try? await eventLoop.submit { core.value.hangUp(callID: callID) }.get()
        }
        let refusal: SIPError?
        do {
            refusal = try await eventLoop.submit { core.value.startCall(call, requestURI: requestURI, firstHop: firstHop, leg: leg) }.get()
        } catch {
            throw .shutDown
        }
        if let refusal { throw refusal }
        return leg
    }

    /// Legs placed and not yet ended.
    public var liveLegCount: Int { liveLegs.value }
}

/// Hands every datagram to the core; never closes the channel on a read error.
private final class UserAgentChannelHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let core: NIOLoopBoundBox<UserAgentCore>

    init(core: NIOLoopBoundBox<UserAgentCore>) { self.core = core }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        core.value.receive(unwrapInboundIn(data))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors (port unreachable) surface here on some systems: timers handle the loss.
        core.value.logger.debug("socket error", metadata: ["error": "\(error)"])
    }
}
