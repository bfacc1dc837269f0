import NIOCore

extension Duration {
    /// The duration as NIO's `TimeAmount` (nanoseconds; negative becomes zero).
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !nanoseconds.overflow else { return .hours(24 * 365) }
        return .nanoseconds(max(0, nanoseconds.partialValue + attoseconds / 1_000_000_000))
    }
}
