import Logging
import NIOCore
import Synchronization

/// The engine-side half of a leg: its loop-bound state and the send and receive paths.
///
/// Every method not marked otherwise runs on `loop`; the public ``RTPLeg`` hops there with
/// `loop.execute`. The hot paths (a paced frame, a received packet, a relayed packet) reuse the
/// leg's send buffer and allocate nothing of their own.
final class LegEndpoint: Sendable {
    let id: Int
    let loop: any EventLoop
    let shard: LoopShard
    let settings: LegSettings
    let counters = LegCounters()
    let state: NIOLoopBoundBox<LegState>
    let events: AsyncStream<RTPLegEvent>
    private let eventSink: AsyncStream<RTPLegEvent>.Continuation

    /// Callable anywhere.
    init(id: Int, shard: LoopShard, settings: LegSettings) {
        self.id = id
        self.loop = shard.loop
        self.shard = shard
        self.settings = settings
        self.state = .makeBoxSendingValue(LegState(frameByteCount: settings.frameByteCount), eventLoop: shard.loop)
        (events, eventSink) = AsyncStream.makeStream(
            of: RTPLegEvent.self, bufferingPolicy: .bufferingNewest(settings.eventBufferSize))
    }

    /// Callable anywhere: runs `body` on the leg's loop, in submission order.
    func onLoop(_ body: @escaping @Sendable (LegEndpoint, LegState) -> Void) {
        loop.execute { [self] in body(self, self.state.value) }
    }

    func attach(channel: any Channel) {
        state.value.channel = channel
    }

    // MARK: Control

    func connect(to remote: SocketAddress) {
        let state = state.value
        guard !state.closed else { return }
        state.remote = remote
        state.lastHeardAt = .now()
        state.inactiveReported = false
        shard.setConnected(self, true)
    }

    func startPlayback(_ prompt: Prompt, cancellation: PlaybackCancellation,
                       continuation: CheckedContinuation<PlaybackResult, Never>) {
        let state = state.value
        guard !state.closed, state.peer == nil, !cancellation.isCancelled else {
            continuation.resume(returning: .interrupted)
            return
        }
        guard !prompt.muLaw.isEmpty else {
            continuation.resume(returning: .completed)
            return
        }
        interruptPlayback(state)
        state.playback = Playback(samples: prompt.muLaw, continuation: continuation)
        state.outgoing.markNext = true
        state.lastPacedSendAt = nil
        shard.setPlaying(self, true)
    }

    func interruptPlayback(_ state: LegState) {
        guard let playback = state.playback else { return }
        state.playback = nil
        shard.setPlaying(self, false)
        playback.continuation.resume(returning: .interrupted)
    }

    func bridge(to peer: LegEndpoint) {
        let state = state.value
        guard !state.closed else { return }
        interruptPlayback(state)
        state.peer = peer
        state.relaySourceSSRC = nil
    }

    func unbridge(from peer: LegEndpoint) {
        let state = state.value
        guard state.peer === peer else { return }
        state.peer = nil
        state.relaySourceSSRC = nil
    }

    /// Marks the leg closed and detaches it from everything; returns its channel and peer for the caller to release.
    func shutDown() -> (channel: (any Channel)?, peer: LegEndpoint?) {
        let state = state.value
        guard !state.closed else { return (nil, nil) }
        state.closed = true
        interruptPlayback(state)
        shard.setConnected(self, false)
        let peer = state.peer
        state.peer = nil
        state.remote = nil
        eventSink.finish()
        return (state.channel, peer)
    }

    // MARK: Pacing (called by the shard on each clock tick)

    /// Sends the next frame of the playing prompt; false when the playback is over (the shard then forgets the leg).
    func sendPacedFrame(deviations: inout [Int64]) -> Bool {
        let state = state.value
        guard let playback = state.playback else { return false }
        let now = NIODeadline.now()
        if let last = state.lastPacedSendAt {
            deviations.append(abs((now - last).nanoseconds - settings.intervalNanoseconds))
        }
        state.lastPacedSendAt = now

        let frame = settings.frameByteCount
        let end = min(playback.offset + frame, playback.samples.count)
        let header = state.outgoing.nextPacket()
        state.sendBuffer.clear()
        RTPHeader.writeFixed(
            to: &state.sendBuffer, marker: header.marker, payloadType: settings.audioPayloadType,
            sequenceNumber: header.sequenceNumber, timestamp: header.timestamp, ssrc: state.outgoing.ssrc)
        state.sendBuffer.writeBytes(playback.samples[playback.offset..<end])
        if end - playback.offset < frame {
            state.sendBuffer.writeRepeatingByte(MuLaw.silence, count: frame - (end - playback.offset))
        }
        state.outgoing.advance(samples: UInt32(frame))
        transmit(state)
        playback.offset = end

        guard end >= playback.samples.count else { return true }
        state.playback = nil
        playback.continuation.resume(returning: .completed)
        return false
    }

    /// Reports `.inactive` once when a connected leg has heard nothing for the timeout.
    func checkInactivity(now: NIODeadline) {
        let state = state.value
        guard state.remote != nil, !state.inactiveReported,
              now - state.lastHeardAt >= settings.inactivityTimeout
        else { return }
        state.inactiveReported = true
        eventSink.yield(.inactive)
    }

    // MARK: Receiving and relaying

    /// One datagram arrived on the leg's socket.
    func received(_ datagram: ByteBuffer) {
        let packet: RTPPacket
        do {
            packet = try RTPPacket(parsing: datagram)
        } catch {
            counters.packetsDropped.increment()
            shard.counters.packetsDropped.increment()
            return
        }
        let now = NIODeadline.now()
        counters.packetsReceived.increment()
        counters.bytesReceived.increment(by: datagram.readableBytes)
        counters.lastReceivedUptimeNanoseconds.store(now.uptimeNanoseconds, ordering: .relaxed)
        shard.counters.packetsReceived.increment()

        let state = state.value
        state.lastHeardAt = now
        state.inactiveReported = false  // heard again: a later silence is reported again

        if packet.header.payloadType == settings.telephoneEventPayloadType,
           let event = try? TelephoneEvent(parsing: packet.payload),
           let digit = state.dtmf.digit(for: event, ssrc: packet.header.ssrc, timestamp: packet.header.timestamp) {
            counters.dtmfDigits.increment()
            shard.counters.dtmfDigits.increment()
            eventSink.yield(.dtmf(digit))
        }

        guard let peer = state.peer else { return }
        if peer.loop === loop {
            peer.relay(packet, from: self)
        } else {
            peer.loop.execute { peer.relay(packet, from: self) }
        }
    }

    /// Sends a packet that arrived on the bridged leg out of this one, with this leg's SSRC and numbering.
    func relay(_ packet: RTPPacket, from source: LegEndpoint) {
        let state = state.value
        guard state.peer === source, !state.closed else { return }  // unbridged meanwhile
        if state.relaySourceSSRC != packet.header.ssrc {
            // A new source stream: keep our timestamps continuous and start a talkspurt.
            state.relaySourceSSRC = packet.header.ssrc
            state.relayTimestampOffset = state.outgoing.timestamp &- packet.header.timestamp
            state.outgoing.markNext = true
        }
        state.outgoing.setTimestamp(packet.header.timestamp &+ state.relayTimestampOffset)
        let header = state.outgoing.nextPacket()
        state.sendBuffer.clear()
        RTPHeader.writeFixed(
            to: &state.sendBuffer, marker: header.marker || packet.header.marker,
            payloadType: packet.header.payloadType, sequenceNumber: header.sequenceNumber,
            timestamp: header.timestamp, ssrc: state.outgoing.ssrc)
        state.sendBuffer.writeImmutableBuffer(packet.payload)
        if packet.header.payloadType == settings.audioPayloadType {
            // A later playback continues after the relayed audio.
            state.outgoing.advance(samples: UInt32(truncatingIfNeeded: packet.payload.readableBytes))
        }
        if transmit(state) {
            counters.packetsRelayed.increment()
            shard.counters.packetsRelayed.increment()
        }
    }

    /// Writes the send buffer to the remote; a full socket drops the packet (late audio is useless, queues stay bounded).
    @discardableResult
    private func transmit(_ state: LegState) -> Bool {
        guard let channel = state.channel, let remote = state.remote else { return false }
        guard channel.isWritable else {
            counters.packetsNotSent.increment()
            shard.counters.packetsNotSent.increment()
            return false
        }
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: state.sendBuffer), promise: nil)
        counters.packetsSent.increment()
        shard.counters.packetsSent.increment()
        return true
    }
}
