/// The RFC 3550 state of one outgoing RTP stream: random SSRC and starting points, then +1 / +samples per packet.
struct OutgoingStream {
    let ssrc: UInt32
    private(set) var sequenceNumber: UInt16
    private(set) var timestamp: UInt32
    /// Set when the next packet starts a talkspurt and carries the marker bit.
    var markNext = true

    init() {
        var generator = SystemRandomNumberGenerator()
        ssrc = generator.next()
        sequenceNumber = generator.next()
        timestamp = generator.next()
    }

    /// Header fields for the next packet at the current timestamp; advances the sequence number.
    mutating func nextPacket() -> (sequenceNumber: UInt16, timestamp: UInt32, marker: Bool) {
        defer {
            sequenceNumber &+= 1
            markNext = false
        }
        return (sequenceNumber, timestamp, markNext)
    }

    /// Moves the timestamp on by `samples` (after a packet of that many samples).
    mutating func advance(samples: UInt32) {
        timestamp &+= samples
    }

    /// Sets the timestamp the next packet carries (relay keeps the source's timing).
    mutating func setTimestamp(_ value: UInt32) {
        timestamp = value
    }
}
