/// One broken invariant: which, about what (stream, call, posting, table), what was
/// expected and what was found.
public struct InvariantViolation: Sendable, Hashable, CustomStringConvertible {
    public let invariant: Invariant
    /// What it is about, e.g. `call 1b2c… (stream call-1b2c…)` or `table offers`.
    public let subject: String
    public let expected: String
    public let found: String

    public init(_ invariant: Invariant, subject: String, expected: String, found: String) {
        self.invariant = invariant
        self.subject = subject
        self.expected = expected
        self.found = found
    }

    public var description: String { "[\(invariant)] \(subject): expected \(expected), found \(found)" }
}
