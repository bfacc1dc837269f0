/// When a command may write: against whatever the stream holds now (re-deciding on a lost
/// race, a bounded number of times), or only if the stream is still at a version the
/// caller saw (an HTTP `If-Match`).
public enum WriteCondition: Sendable, Equatable {
    case latest
    case ifVersion(Int64)
}
