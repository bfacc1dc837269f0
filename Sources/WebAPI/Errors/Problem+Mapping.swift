import Billing
import Domain
import Engine
import EventLog
import Hummingbird
import NIOCore

extension Problem {
    /// The problem a thrown error stands for. Client mistakes are 4xx with the reason;
    /// an unavailable database is 503; only our own faults are 500, without details.
    static func from(_ error: any Error) -> (problem: Problem, isServerFault: Bool) {
        switch error {
        case let problem as Problem:
            // A problem thrown on purpose (503 "busy", "unavailable") is an answer, not a fault:
            // only a 500 is ours to log as one.
            return (problem, problem.status == .internalServerError)
        case let error as DomainError:
            switch error {
            case .invalid(let reason): return (.invalid(reason), false)
            case .rejected(let reason): return (.conflict(reason), false)
            case .notFound(let reason): return (.notFound(reason), false)
            }
        case let error as EngineError:
            switch error {
            case .preconditionFailed:
                return (Problem(.preconditionFailed, "stale-version", title: "Changed since you read it", detail: error.description), false)
            case .contention, .streamTooLong:
                return (.conflict(error.description), false)
            case .unreadableEvent, .invalidProjection:
                return (.internal, true)
            }
        case let error as EventLogError:
            switch error {
            case .timedOut:
                // Up but too slow (a pool full of slow statements, a lock held elsewhere), or
                // not answering: either way an answer, with Retry-After, not a fault of ours.
                return (.unavailable("the database is too busy to answer in time (\(error.description)); try again in a moment"), false)
            case .overloaded, .unavailable, .shuttingDown, .withdrawn:
                return (.unavailable(error.description), false)
            case .wrongExpectedVersion, .eventIdConflict:
                return (.conflict(error.description), false)
            case .eventTooLarge:
                return (Problem(.contentTooLarge, "too-large", title: "Too large", detail: error.description), false)
            case .invalidStreamName, .invalidExpectedVersion, .invalidEventType, .invalidEventData, .invalidArgument, .emptyAppend, .tooManyEvents:
                return (.invalid(error.description), false)
            case .database:
                return (.internal, true)
            }
        case let error as LedgerError:
            switch error {
            case .invalid, .overflow:
                return (.invalid(error.description), false)
            case .duplicate, .insufficientFunds, .unknownHold, .holdNotPending, .holdExpired, .holdNotYetExpired, .exceedsHold, .capacityReached:
                return (.conflict(error.description), false)
            }
        case is NIOTooManyBytesError:
            return (Problem(.contentTooLarge, "body-too-large", title: "Request body too large", detail: "the body exceeds the limit"), false)
        case let error as HTTPError:
            if error.status == .notFound { return (.notFound("no such resource"), false) }
            return (Problem(error.status, "http-\(error.status.code)", title: error.status.reasonPhrase, detail: error.body ?? error.status.reasonPhrase),
                    error.status.code >= 500)
        default:
            return (.internal, true)
        }
    }

    static let `internal` = Problem(.internalServerError, "internal", title: "Internal error",
                                    detail: "the server failed; the request id in this answer finds it in the log")
}
