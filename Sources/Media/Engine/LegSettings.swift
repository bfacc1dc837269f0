import Logging
import NIOCore

/// What every leg of an engine needs from its configuration, in the units the hot path uses.
struct LegSettings: Sendable {
    let intervalNanoseconds: Int64
    /// μ-law bytes (= samples) per packet: 8 per millisecond of `packetInterval`.
    let frameByteCount: Int
    let inactivityTimeout: TimeAmount
    let audioPayloadType: UInt8
    let telephoneEventPayloadType: UInt8
    let eventBufferSize: Int
    let timeBase: TimeBase
    let logger: Logger

    init(configuration: MediaEngineConfiguration, timeBase: TimeBase, logger: Logger) {
        // A packet interval outside 10...100 ms is not telephony; clamp rather than misbehave.
        let interval = min(max(configuration.packetInterval.nanoseconds, 10_000_000), 100_000_000)
        intervalNanoseconds = interval
        frameByteCount = Int(interval / 125_000)
        inactivityTimeout = .nanoseconds(max(configuration.inactivityTimeout.nanoseconds, interval))
        audioPayloadType = configuration.audioPayloadType & 0x7F
        telephoneEventPayloadType = configuration.telephoneEventPayloadType & 0x7F
        eventBufferSize = min(max(configuration.eventBufferSize, 1), 4096)
        self.timeBase = timeBase
        self.logger = logger
    }
}
