import Logging
import NIOCore
import Synchronization

/// One RTP endpoint of a call: a UDP socket of its own that plays prompts, reports DTMF and
/// silence, and relays audio when bridged. Open it with ``MediaEngine/openLeg()``; close it when the call ends.
public final class RTPLeg: Sendable {
    /// The UDP port the leg receives on (for the SDP).
    public let localPort: Int
    /// DTMF digits and inactivity, in order; bounded (oldest dropped); single consumer; finishes on close.
    public let events: AsyncStream<RTPLegEvent>
    let endpoint: LegEndpoint
    private let registry: LegRegistry

    init(endpoint: LegEndpoint, localPort: Int, registry: LegRegistry) {
        self.endpoint = endpoint
        self.localPort = localPort
        self.registry = registry
        self.events = endpoint.events
    }

    /// Sends our RTP to `remote` (from the peer's SDP) and starts watching for inactivity.
    ///
    /// `remote.host` should be an IP address; a name is resolved (blocking) and an unusable
    /// address is logged and leaves the leg without a remote.
    public func connect(to remote: RTPAddress) {
        let address: SocketAddress
        do {
            address = try SocketAddress(ipAddress: remote.host, port: remote.port)
        } catch {
            do {
                address = try SocketAddress.makeAddressResolvingHost(remote.host, port: remote.port)
            } catch {
                endpoint.settings.logger.warning(
                    "RTP remote address unusable", metadata: ["leg": "\(endpoint.id)", "remote": "\(remote)", "error": "\(error)"])
                return
            }
        }
        endpoint.onLoop { endpoint, _ in endpoint.connect(to: address) }
    }

    /// Plays `prompt` paced at one frame per packet interval; returns when it is all sent or interrupted.
    ///
    /// A newer `play` interrupts this one. Without a remote the frames are paced but not sent. On a
    /// bridged leg it returns `.interrupted` at once.
    public func play(_ prompt: Prompt) async -> PlaybackResult {
        let cancellation = PlaybackCancellation()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<PlaybackResult, Never>) in
                endpoint.onLoop { endpoint, _ in
                    endpoint.startPlayback(prompt, cancellation: cancellation, continuation: continuation)
                }
            }
        } onCancel: {
            cancellation.cancel()
            stopPlayback()
        }
    }

    /// Interrupts the current playback, if any.
    public func stopPlayback() {
        endpoint.onLoop { endpoint, state in endpoint.interruptPlayback(state) }
    }

    /// Counters of this leg.
    public func statistics() -> RTPLegStatistics {
        let counters = endpoint.counters
        let lastReceived = counters.lastReceivedUptimeNanoseconds.load(ordering: .relaxed)
        return RTPLegStatistics(
            packetsSent: counters.packetsSent.value,
            packetsReceived: counters.packetsReceived.value,
            bytesReceived: counters.bytesReceived.value,
            packetsRelayed: counters.packetsRelayed.value,
            packetsDropped: counters.packetsDropped.value,
            dtmfDigits: counters.dtmfDigits.value,
            lastReceivedAt: lastReceived == 0 ? nil : endpoint.settings.timeBase.instant(uptimeNanoseconds: lastReceived))
    }

    /// Returns once every control call made before it (connect, bridge, stop…) has taken effect on the leg's loop.
    func settle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            endpoint.onLoop { _, _ in continuation.resume() }
        }
    }

    /// Stops playback, unbridges, closes the socket (freeing the port) and finishes `events`. Idempotent.
    public func close() async {
        let (channel, peer) = await withCheckedContinuation { continuation in
            endpoint.onLoop { endpoint, _ in
                let released = endpoint.shutDown()
                continuation.resume(returning: UncheckedChannelAndPeer(channel: released.channel, peer: released.peer))
            }
        }.values
        if let peer {
            let endpoint = self.endpoint
            peer.onLoop { peer, _ in peer.unbridge(from: endpoint) }
        }
        if let channel {
            try? await channel.close()
        }
        registry.remove(id: endpoint.id)
    }
}

/// Carries a closing leg's channel and peer out of the loop; both are Sendable already.
private struct UncheckedChannelAndPeer: Sendable {
    let channel: (any Channel)?
    let peer: LegEndpoint?

    var values: ((any Channel)?, LegEndpoint?) { (channel, peer) }
}
