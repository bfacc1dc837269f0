/// Exponential restart delay with jitter: `initial` doubling per consecutive failure up to
/// `maximum`, then a random point in its upper half ("equal jitter"), so restarts of many
/// pools do not synchronise and each delay is at least the previous one's upper bound / 2.
public struct RestartBackoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(30)) {
        self.initial = initial
        self.maximum = max(initial, maximum)
    }

    /// The delay before restart number `failures` (1 for the first restart).
    public func delay(afterFailures failures: Int, using random: inout some RandomNumberGenerator) -> Duration {
        var ceiling = initial
        // At most 62 doublings: the bound stops both the loop and any overflow.
        for _ in 0..<min(max(failures - 1, 0), 62) where ceiling < maximum {
            ceiling *= 2
        }
        ceiling = min(ceiling, maximum)
        let half = ceiling / 2
        let halfNanoseconds = max(Int64(1), half.components.seconds * 1_000_000_000 + half.components.attoseconds / 1_000_000_000)
        return half + .nanoseconds(Int64.random(in: 0...halfNanoseconds, using: &random))
    }
}
