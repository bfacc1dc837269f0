/// How a ``RTPLeg/play(_:)`` ended.
public enum PlaybackResult: Equatable, Sendable {
    /// Every frame of the prompt was sent (or paced out, if the leg had no remote yet).
    case completed
    /// Stopped early: `stopPlayback`, a newer `play`, a bridge, `close`, or task cancellation.
    case interrupted
}
