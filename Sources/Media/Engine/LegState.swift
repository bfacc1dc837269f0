import NIOCore
import Synchronization

/// The mutable state of one leg. Lives in a `NIOLoopBoundBox`: touched only on the leg's event loop.
final class LegState {
    var channel: (any Channel)?
    var remote: SocketAddress?
    var outgoing = OutgoingStream()
    var playback: Playback?
    /// The leg this one is bridged to, if any.
    var peer: LegEndpoint?
    var dtmf = DTMFDeduplicator()
    /// Reused for every outgoing packet: unique again once the previous datagram is written, so no allocation.
    var sendBuffer: ByteBuffer
    /// When the previous paced frame of the current playback went out (for the jitter figure).
    var lastPacedSendAt: NIODeadline?
    /// The later of: when the leg was connected, when RTP last arrived.
    var lastHeardAt = NIODeadline.now()
    var inactiveReported = false
    var closed = false
    /// SSRC of the stream being relayed into this leg and the timestamp offset that maps it onto ours.
    var relaySourceSSRC: UInt32?
    var relayTimestampOffset: UInt32 = 0

    init(frameByteCount: Int) {
        sendBuffer = ByteBufferAllocator().buffer(capacity: RTPHeader.fixedByteCount + max(frameByteCount, 1500))
    }
}

/// A prompt being played: its samples, how far it got, and who waits for the end.
final class Playback {
    let samples: [UInt8]
    var offset = 0
    let continuation: CheckedContinuation<PlaybackResult, Never>

    init(samples: [UInt8], continuation: CheckedContinuation<PlaybackResult, Never>) {
        self.samples = samples
        self.continuation = continuation
    }
}

/// Set by a cancelled `play` so a start still queued on the loop does not begin.
final class PlaybackCancellation: Sendable {
    private let flag = Atomic<Bool>(false)

    func cancel() { flag.store(true, ordering: .sequentiallyConsistent) }
    var isCancelled: Bool { flag.load(ordering: .sequentiallyConsistent) }
}
