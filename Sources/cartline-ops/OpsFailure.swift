import ArgumentParser

/// Why a request to the node failed; each kind has its own exit status.
enum OpsFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// 401: the token is not the node's.
    case unauthorized(detail: String)
    /// 404: e.g. no such live call.
    case notFound(detail: String)
    /// Connection refused, reset, or no answer within the timeout.
    case unreachable(url: String, reason: String)
    /// Any other error answer, or an answer we cannot read.
    case failed(String)

    static let usageExitCode: Int32 = 2

    var exitCode: ExitCode {
        switch self {
        case .failed: ExitCode(1)
        case .unauthorized: ExitCode(3)
        case .notFound: ExitCode(4)
        case .unreachable: ExitCode(5)
        }
    }

    var description: String {
        switch self {
        case .unauthorized(let detail): "unauthorized: the node refused the token (\(detail))"
        case .notFound(let detail): "not found: \(detail)"
        case .unreachable(let url, let reason): "node unreachable at \(url): \(reason)"
        case .failed(let message): message
        }
    }
}
