/// A fixed-size histogram of send-interval deviations: 10 µs buckets up to 50 ms, then one overflow bucket.
struct JitterHistogram: Sendable {
    static let bucketWidthNanoseconds: Int64 = 10_000
    static let bucketCount = 5_000

    private(set) var counts = [Int](repeating: 0, count: bucketCount + 1)
    private(set) var total = 0

    mutating func record(deviationNanoseconds: Int64) {
        let bucket = min(Int(max(0, deviationNanoseconds) / Self.bucketWidthNanoseconds), Self.bucketCount)
        counts[bucket] += 1
        total += 1
    }

    mutating func merge(_ other: JitterHistogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
        total += other.total
    }

    /// The upper edge of the bucket holding the `fraction` quantile (0 when empty).
    func quantile(_ fraction: Double) -> Duration {
        guard total > 0 else { return .zero }
        let rank = max(1, Int((Double(total) * fraction).rounded(.up)))
        var seen = 0
        for (index, count) in counts.enumerated() {
            seen += count
            if seen >= rank { return .nanoseconds(Int64(index + 1) * Self.bucketWidthNanoseconds) }
        }
        return .nanoseconds(Int64(Self.bucketCount + 1) * Self.bucketWidthNanoseconds)
    }
}
