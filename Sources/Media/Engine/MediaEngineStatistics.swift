/// Counters of a whole engine since it was created.
public struct MediaEngineStatistics: Equatable, Sendable {
    /// Legs open now.
    public var liveLegs: Int
    /// Legs playing a prompt now.
    public var playingLegs: Int
    /// RTP packets sent (played and relayed).
    public var packetsSent: Int
    /// RTP packets received.
    public var packetsReceived: Int
    /// Packets received on one leg and sent out of its bridged leg.
    public var packetsRelayed: Int
    /// Datagrams that were not RTP, dropped.
    public var packetsDropped: Int
    /// Packets not sent because the socket's send buffer was full.
    public var packetsNotSent: Int
    /// DTMF digits reported.
    public var dtmfDigits: Int
    /// Ticks of the pacing clock.
    public var ticks: Int
    /// Ticks skipped because the clock fell more than one interval behind.
    public var ticksSkipped: Int
    /// Number of send intervals measured for the jitter figures.
    public var sendJitterSamples: Int
    /// Median of |actual interval between a leg's consecutive paced packets − packet interval|.
    public var sendJitterP50: Duration
    /// 99th percentile of the same.
    public var sendJitterP99: Duration
}
