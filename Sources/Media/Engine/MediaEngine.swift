import Logging
import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Carries RTP/PCMU for many legs over UDP: opens legs, paces playback with one clock, relays bridged legs.
///
/// Guarantees:
/// - one pacing clock for all legs (not a timer per leg); per tick the work is O(playing legs);
/// - every outgoing stream is RFC 3550 consistent: random SSRC, sequence and timestamp, then +1 and
///   +160 per 20 ms packet, marker on the first packet of each talkspurt;
/// - every buffer is bounded: events per leg, the socket's write queue (a full socket drops the packet),
///   the number of legs; datagrams that are not RTP are counted and dropped.
public final class MediaEngine: Sendable {
    public let configuration: MediaEngineConfiguration
    private let logger: Logger
    private let shards: [LoopShard]
    private let clock: PacingClock
    private let registry: LegRegistry
    private let settings: LegSettings
    private let phase = Mutex(Phase.created)
    private let cursor = Mutex(Cursor())

    private enum Phase { case created, started, shutDown }

    private struct Cursor {
        var shard = 0
        var portStep = 0
    }

    /// An engine whose legs spread over the loops of `eventLoopGroup`.
    public init(configuration: MediaEngineConfiguration = .init(), eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        let loops = Array(eventLoopGroup.makeIterator())
        let shards = (loops.isEmpty ? [eventLoopGroup.next()] : loops).map { LoopShard(loop: $0) }
        self.shards = shards
        self.settings = LegSettings(configuration: configuration, timeBase: TimeBase(), logger: logger)
        self.clock = PacingClock(loop: shards[0].loop, shards: shards, intervalNanoseconds: settings.intervalNanoseconds)
        self.registry = LegRegistry(maxLegs: configuration.maxLegs)
    }

    /// Starts the pacing clock.
    public func start() async throws(MediaError) {
        try phase.withLock { phase throws(MediaError) in
            switch phase {
            case .created: phase = .started
            case .started: return
            case .shutDown: throw .shutDown
            }
        }
        clock.start()
        logger.debug("media engine started", metadata: ["loops": "\(shards.count)"])
    }

    /// Stops the clock and closes every leg.
    public func shutdown() async {
        phase.withLock { $0 = .shutDown }
        await clock.stop()
        let legs = registry.closeAll()
        await withTaskGroup(of: Void.self) { group in
            for leg in legs { group.addTask { await leg.close() } }
        }
    }

    /// Opens a leg on its own UDP port (ephemeral, or the next free even port of `portRange`).
    ///
    /// Pass the call's other leg as `neighbour` to put both on one event loop: bridged audio then
    /// relays without a thread hop per packet.
    public func openLeg(near neighbour: RTPLeg? = nil) async throws(MediaError) -> RTPLeg {
        switch phase.withLock({ $0 }) {
        case .started: break
        case .created: throw .notStarted
        case .shutDown: throw .shutDown
        }
        let id = try registry.reserve()
        let (shard, ports) = cursor.withLock { cursor in
            let shard: LoopShard
            if let neighbour, let own = shards.first(where: { $0 === neighbour.endpoint.shard }) {
                shard = own
            } else {
                shard = shards[cursor.shard % shards.count]
                cursor.shard &+= 1
            }
            defer { cursor.portStep &+= 1 }
            return (shard, CandidatePorts(range: configuration.portRange, step: cursor.portStep))
        }
        let endpoint = LegEndpoint(id: id, shard: shard, settings: settings)
        let channel: any Channel
        do {
            channel = try await bind(endpoint, ports: ports)
        } catch {
            registry.cancelReservation()
            throw error
        }
        let leg = RTPLeg(endpoint: endpoint, localPort: channel.localAddress?.port ?? 0, registry: registry)
        guard registry.insert(leg) else {
            await leg.close()
            throw .shutDown
        }
        return leg
    }

    /// Counters and send jitter of the whole engine.
    public func statistics() -> MediaEngineStatistics {
        var histogram = JitterHistogram()
        var statistics = MediaEngineStatistics(
            liveLegs: registry.count, playingLegs: 0, packetsSent: 0, packetsReceived: 0, packetsRelayed: 0,
            packetsDropped: 0, packetsNotSent: 0, dtmfDigits: 0, ticks: clock.ticks.value,
            ticksSkipped: clock.ticksSkipped.value, sendJitterSamples: 0, sendJitterP50: .zero, sendJitterP99: .zero)
        for shard in shards {
            statistics.playingLegs += shard.playingLegCount.value
            statistics.packetsSent += shard.counters.packetsSent.value
            statistics.packetsReceived += shard.counters.packetsReceived.value
            statistics.packetsRelayed += shard.counters.packetsRelayed.value
            statistics.packetsDropped += shard.counters.packetsDropped.value
            statistics.packetsNotSent += shard.counters.packetsNotSent.value
            statistics.dtmfDigits += shard.counters.dtmfDigits.value
            histogram.merge(shard.jitterSnapshot())
        }
        statistics.sendJitterSamples = histogram.total
        statistics.sendJitterP50 = histogram.quantile(0.50)
        statistics.sendJitterP99 = histogram.quantile(0.99)
        return statistics
    }

    private func bind(_ endpoint: LegEndpoint, ports: CandidatePorts) async throws(MediaError) -> any Channel {
        let host = configuration.bindHost
        let bootstrap = DatagramBootstrap(group: endpoint.loop)
            .channelOption(.maxMessagesPerRead, value: 16)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RTPLegHandler(endpoint: endpoint))
                    endpoint.attach(channel: channel)
                }
            }
        for attempt in 0..<ports.count {
            let port = ports.port(attempt: attempt)
            do {
                return try await bootstrap.bind(host: host, port: port).get()
            } catch let error as IOError where configuration.portRange != nil && error.errnoCode == EADDRINUSE {
                continue  // taken by someone else: try the next even port of the range
            } catch {
                throw .bindFailed(host: host, port: port, reason: "\(error)")
            }
        }
        if let range = configuration.portRange {
            throw .noFreePort(range)
        }
        throw .bindFailed(host: host, port: 0, reason: "no port to try")
    }
}
