/// Counters of one leg.
public struct RTPLegStatistics: Equatable, Sendable {
    /// RTP packets sent out of this leg (played and relayed).
    public var packetsSent: Int
    /// RTP packets received on this leg.
    public var packetsReceived: Int
    /// Bytes of the RTP packets received (headers included).
    public var bytesReceived: Int
    /// Packets relayed out of this leg from its bridged leg (a subset of `packetsSent`).
    public var packetsRelayed: Int
    /// Datagrams received that were not RTP.
    public var packetsDropped: Int
    /// DTMF digits reported.
    public var dtmfDigits: Int
    /// When the last RTP packet arrived.
    public var lastReceivedAt: ContinuousClock.Instant?
}
