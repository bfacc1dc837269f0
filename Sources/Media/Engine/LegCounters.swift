import Synchronization

/// Counters of one leg, written on its event loop and read from anywhere.
final class LegCounters: Sendable {
    let packetsSent = Atomic<Int>(0)
    let packetsReceived = Atomic<Int>(0)
    let bytesReceived = Atomic<Int>(0)
    let packetsRelayed = Atomic<Int>(0)
    let packetsDropped = Atomic<Int>(0)
    let packetsNotSent = Atomic<Int>(0)
    let dtmfDigits = Atomic<Int>(0)
    /// `NIODeadline.uptimeNanoseconds` of the last RTP packet received; 0 = none yet.
    let lastReceivedUptimeNanoseconds = Atomic<UInt64>(0)
}

/// Counters of one event loop's legs, kept past the legs' lives for the engine totals.
final class ShardCounters: Sendable {
    let packetsSent = Atomic<Int>(0)
    let packetsReceived = Atomic<Int>(0)
    let packetsRelayed = Atomic<Int>(0)
    let packetsDropped = Atomic<Int>(0)
    let packetsNotSent = Atomic<Int>(0)
    let dtmfDigits = Atomic<Int>(0)
}

extension Atomic<Int> {
    /// Adds one, relaxed: these are statistics, nothing is ordered by them.
    func increment(by amount: Int = 1) {
        _ = wrappingAdd(amount, ordering: .relaxed)
    }

    var value: Int { load(ordering: .relaxed) }
}
