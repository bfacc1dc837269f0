/// Where an append's events landed.
public struct AppendResult: Sendable, Hashable {
    /// The stream's version after the append: pass it as `.exact` to the next append.
    public let streamVersion: Int64
    /// Each event's place in the log, in the order given.
    public let positions: [LogPosition]
}
