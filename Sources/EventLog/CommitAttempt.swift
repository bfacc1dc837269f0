import Synchronization

/// Whether one group-commit attempt has sent its statement yet, shared by the attempt and its
/// deadline. Before the statement is sent, the deadline withdraws the attempt: it never
/// reaches the database, so "timed out" is the truth and the caller may retry. Once sent,
/// only the statement's outcome ends the attempt (the server's `statement_timeout` bounds
/// it): answering "timed out" earlier would be a lie whenever the statement commits after
/// the answer — a write refused to its caller yet applied (issue 14, pool exhaustion).
final class CommitAttempt: Sendable {
    private enum Phase {
        case waitingForConnection
        case writing
        case expired
    }

    private let phase = Mutex(Phase.waitingForConnection)

    /// Called with a connection in hand: true if the statement may be sent, false if the
    /// deadline passed first.
    func startWriting() -> Bool {
        phase.withLock { phase in
            guard phase == .waitingForConnection else { return false }
            phase = .writing
            return true
        }
    }

    /// Called at the deadline: true if the attempt is withdrawn (its statement was never
    /// sent), false if the statement is under way and its outcome must be waited for.
    func expire() -> Bool {
        phase.withLock { phase in
            guard phase != .writing else { return false }
            phase = .expired
            return true
        }
    }
}
