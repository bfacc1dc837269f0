extension Duration {
    /// Whole nanoseconds, for metrics that take integers.
    var inNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }

    /// Seconds as a Double, for printing and ratios.
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
