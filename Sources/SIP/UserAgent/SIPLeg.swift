import Synchronization

/// One outbound call leg: its events and the means to end it.
public final class SIPLeg: Sendable {
    public let callID: String
    private let stream: AsyncStream<SIPLegEvent>
    private let continuation: AsyncStream<SIPLegEvent>.Continuation
    private let media = Mutex<MediaAddress?>(nil)
    private let tags = Mutex<DialogTags?>(nil)
    private let hangUpAction: @Sendable (String) async -> Void

    /// Events stay few per leg (provisionals are capped), so this buffer never drops a terminal event.
    static let eventBufferLimit = 32

    init(callID: String, hangUpAction: @escaping @Sendable (String) async -> Void) {
        self.callID = callID
        self.hangUpAction = hangUpAction
        (stream, continuation) = AsyncStream.makeStream(of: SIPLegEvent.self, bufferingPolicy: .bufferingOldest(Self.eventBufferLimit))
    }

    /// The leg's events, ending after a terminal one. Single consumer.
    public var events: AsyncStream<SIPLegEvent> { stream }

    /// Where the far end wants our audio, once answered.
    public var remoteMedia: MediaAddress? { media.withLock { $0 } }

    /// The dialog's tags once answered (RFC 3261 §12): ours (From) and the far end's (To) —
    /// with the Call-ID, what names the dialog in logs and traces.
    public struct DialogTags: Sendable, Equatable {
        public let local: String
        public let remote: String
    }

    public var dialogTags: DialogTags? { tags.withLock { $0 } }

    func setDialogTags(local: String, remote: String) { tags.withLock { $0 = DialogTags(local: local, remote: remote) } }

    /// Ends the leg: CANCEL before the answer (after the first provisional, RFC 3261 §9.1),
    /// BYE after it. Returns once the request is under way; the terminal event follows. Idempotent.
    public func hangUp() async { await hangUpAction(callID) }

    func emit(_ event: SIPLegEvent) {
        if case .answered(let remote) = event { media.withLock { $0 = remote } }
        continuation.yield(event)
        if event.isTerminal { continuation.finish() }
    }
}
