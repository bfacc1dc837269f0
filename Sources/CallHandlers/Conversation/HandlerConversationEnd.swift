/// How a conversation with a handler ended.
public struct HandlerConversationEnd: Sendable, Equatable, CustomStringConvertible {
    /// Why it ended; the raw value is the reason recorded for the call.
    public enum Reason: String, Sendable, Equatable {
        /// The handler closed its output or exited by itself.
        case exited = "handler-exited"
        /// The channel ended the conversation (`finish()`) while the handler still ran.
        case stopped = "stopped"
        /// No command within `HandlerLimits.idleTimeout`.
        case idle = "handler-idle"
        /// More than `HandlerLimits.maxBadLines` bad lines.
        case protocolViolation = "handler-protocol"
        /// A reply or event could not be written (the handler stopped reading).
        case ioFailed = "handler-io"
        /// The process could not be started.
        case spawnFailed = "handler-spawn-failed"
    }

    public var reason: Reason
    /// The process's exit status (nil when it never started).
    public var exit: HandlerExit?
    /// A human detail: the spawn error, the write error.
    public var detail: String?

    public init(reason: Reason, exit: HandlerExit?, detail: String? = nil) {
        self.reason = reason
        self.exit = exit
        self.detail = detail
    }

    public var description: String {
        "\(reason.rawValue) exit=\(exit?.description ?? "none")" + (detail.map { " (\($0))" } ?? "")
    }
}
