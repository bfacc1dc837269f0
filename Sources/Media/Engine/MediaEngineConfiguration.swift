/// Settings of a ``MediaEngine``; every limit has a default.
public struct MediaEngineConfiguration: Sendable {
    /// Address the legs' UDP sockets bind to.
    public var bindHost: String
    /// Pacing of played audio: one packet per leg per interval (20 ms = 160 μ-law bytes).
    public var packetInterval: Duration
    /// A connected leg that receives no RTP for this long reports `.inactive`.
    public var inactivityTimeout: Duration
    /// Most legs open at once.
    public var maxLegs: Int
    /// Even ports legs bind to (RTP convention); nil binds ephemeral ports.
    public var portRange: ClosedRange<Int>?
    /// Events a leg buffers for its consumer before dropping the oldest.
    public var eventBufferSize: Int
    /// Payload type of the audio legs send (0 = PCMU).
    public var audioPayloadType: UInt8
    /// Payload type of RFC 4733 telephone events (as negotiated in SDP, usually 101).
    public var telephoneEventPayloadType: UInt8

    public init(
        bindHost: String = "127.0.0.1",
        packetInterval: Duration = .milliseconds(20),
        inactivityTimeout: Duration = .seconds(10),
        maxLegs: Int = 4096,
        portRange: ClosedRange<Int>? = nil,
        eventBufferSize: Int = 64,
        audioPayloadType: UInt8 = 0,
        telephoneEventPayloadType: UInt8 = 101
    ) {
        self.bindHost = bindHost
        self.packetInterval = packetInterval
        self.inactivityTimeout = inactivityTimeout
        self.maxLegs = maxLegs
        self.portRange = portRange
        self.eventBufferSize = eventBufferSize
        self.audioPayloadType = audioPayloadType
        self.telephoneEventPayloadType = telephoneEventPayloadType
    }
}

extension Duration {
    /// Whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? (seconds < 0 ? .min : .max) : scaled &+ attoseconds / 1_000_000_000
    }
}
