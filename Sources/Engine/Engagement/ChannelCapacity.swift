/// How many voice channels are free for a new call. The telephony node fills this in a
/// later issue; until then `ConfiguredCapacity` stands in with a fixed count.
public protocol ChannelCapacity: Sendable {
    func freeChannels() async -> Int
}

/// A fixed channel count from configuration (`CARTLINE_CHANNELS`).
public struct ConfiguredCapacity: ChannelCapacity {
    public let channels: Int

    public init(channels: Int) { self.channels = max(0, channels) }

    public func freeChannels() async -> Int { channels }
}
