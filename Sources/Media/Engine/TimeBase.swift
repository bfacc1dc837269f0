import NIOCore

/// Maps the event loops' `NIODeadline` readings to `ContinuousClock` instants for callers.
struct TimeBase: Sendable {
    let instant: ContinuousClock.Instant
    let uptimeNanoseconds: UInt64

    init() {
        instant = .now
        uptimeNanoseconds = NIODeadline.now().uptimeNanoseconds
    }

    func instant(uptimeNanoseconds value: UInt64) -> ContinuousClock.Instant {
        instant + .nanoseconds(Int64(bitPattern: value &- uptimeNanoseconds))
    }
}
