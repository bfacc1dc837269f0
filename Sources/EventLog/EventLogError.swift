import Foundation

/// Every way the event log refuses or fails an operation.
public enum EventLogError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidStreamName(String, reason: String)
    case invalidExpectedVersion(Int64)
    case invalidEventType(String)
    case invalidEventData(reason: String)
    case invalidArgument(String)
    case emptyAppend
    case tooManyEvents(count: Int, limit: Int)
    case eventTooLarge(eventId: UUID, bytes: Int, limit: Int)
    /// Another writer appended first; `actual` is the stream's version now.
    case wrongExpectedVersion(stream: String, expected: ExpectedVersion, actual: Int64)
    /// An event id already in the log with another body, stream or version.
    case eventIdConflict(eventId: UUID, reason: String)
    /// More appends are queued than the log accepts; back off and retry.
    case overloaded(queued: Int)
    case timedOut(operation: String, seconds: Double)
    case unavailable(String)
    case database(String)
    case shuttingDown
    /// The append was taken back before it reached the database (its caller was cancelled):
    /// it never commits, so a retry cannot apply it twice.
    case withdrawn

    public var description: String {
        switch self {
        case .invalidStreamName(let name, let reason): "invalid stream name '\(name)': \(reason)"
        case .invalidExpectedVersion(let version): "invalid expected version \(version): versions start at 0"
        case .invalidEventType(let type): "invalid event type '\(type)': use 1…\(NewEvent.maxTypeLength) letters, digits, '_', '.' or '-'"
        case .invalidEventData(let reason): "invalid event data: \(reason)"
        case .invalidArgument(let reason): "invalid argument: \(reason)"
        case .emptyAppend: "an append needs at least one event"
        case .tooManyEvents(let count, let limit): "\(count) events in one append; the limit is \(limit)"
        case .eventTooLarge(let id, let bytes, let limit): "event \(id) is \(bytes) bytes; the limit is \(limit)"
        case .wrongExpectedVersion(let stream, let expected, let actual):
            "wrong expected version for \(stream): expected \(expected), stream is at version \(actual)"
        case .eventIdConflict(let id, let reason): "event id \(id) is already in the log: \(reason)"
        case .overloaded(let queued): "the event log is overloaded (\(queued) appends queued); retry later"
        case .timedOut(let operation, let seconds): seconds > 0 ? "\(operation) timed out after \(seconds) s" : "\(operation) timed out"
        case .unavailable(let reason): "the database is unavailable: \(reason)"
        case .database(let reason): "database error: \(reason)"
        case .shuttingDown: "the event log is shutting down"
        case .withdrawn: "the append was withdrawn before it reached the database; it was not applied"
        }
    }
}
