/// A state and the stream version it was folded up to (0: the stream has no events).
public struct Versioned<State: Sendable>: Sendable {
    public let state: State
    public let version: Int64

    public init(state: State, version: Int64) {
        self.state = state
        self.version = version
    }
}
