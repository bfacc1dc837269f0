/// Reports each RFC 4733 event once, although a sender repeats its packets (the end packet three times).
///
/// All packets of one event share its RTP timestamp (the event's start), so a digit is reported
/// on the first packet with a timestamp not seen before, from the same SSRC. Lost start packets
/// do not lose the digit: any packet of the event reports it.
public struct DTMFDeduplicator: Sendable {
    private var lastReported: (ssrc: UInt32, timestamp: UInt32)?

    public init() {}

    /// The digit to report for this packet, or nil when its event was already reported (or is not a digit).
    public mutating func digit(for event: TelephoneEvent, ssrc: UInt32, timestamp: UInt32) -> Character? {
        if let last = lastReported, last.ssrc == ssrc, last.timestamp == timestamp { return nil }
        guard let digit = event.digit else { return nil }
        lastReported = (ssrc, timestamp)
        return digit
    }
}
