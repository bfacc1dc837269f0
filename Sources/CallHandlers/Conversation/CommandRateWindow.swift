/// Counts lines per one-second window: the handler's command rate limit.
struct CommandRateWindow: Sendable {
    let maxPerSecond: Int
    private var windowStart: ContinuousClock.Instant?
    private var count = 0

    init(maxPerSecond: Int) {
        self.maxPerSecond = maxPerSecond
    }

    /// Records one line at `now`; false when it is over the limit.
    mutating func admit(at now: ContinuousClock.Instant) -> Bool {
        if let start = windowStart, now - start < .seconds(1) {
            count += 1
        } else {
            windowStart = now
            count = 1
        }
        return count <= maxPerSecond
    }
}
