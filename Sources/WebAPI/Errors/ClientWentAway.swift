import Foundation
import NIOCore
import NIOHTTP1

/// Errors that mean the client left before its request was done: the connection closed
/// while the body was still arriving or the answer was being written, or the request's
/// task was cancelled because of it. They are not faults of the server: logged at debug as
/// "client went away" and counted with status 499 (nginx's "client closed request"), never
/// as a 5xx (issue 14).
enum ClientWentAway {
    /// The status the metrics count such requests under; no client ever reads it.
    static let status = 499

    static func matches(_ error: any Error) -> Bool {
        switch error {
        case is CancellationError:
            return true
        case let error as ChannelError:
            switch error {
            case .ioOnClosedChannel, .alreadyClosed, .eof, .outputClosed, .inputClosed: return true
            default: return false
            }
        case let error as IOError:
            return [ECONNRESET, EPIPE, ECONNABORTED].contains(error.errnoCode)
        case let error as HTTPParserError:
            // The connection closed inside a request body ("stream ended at an unexpected time").
            return error == .invalidEOFState || error == .closedConnection
        default:
            return false
        }
    }
}
