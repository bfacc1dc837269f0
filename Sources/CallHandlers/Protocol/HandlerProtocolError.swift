/// Why a line from a handler is not a valid command; each maps to one reply code.
public enum HandlerProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The verb is unknown (or the line is empty): `510`.
    case unknownCommand(verb: String)
    /// The verb is known but its arguments are wrong: `520`.
    case usage(String)
    /// The line exceeded the line limit; the rest of it was discarded: `520`.
    case lineTooLong(maxBytes: Int)
    /// The handler wrote more commands per second than allowed: `520`.
    case rateLimited(maxPerSecond: Int)

    /// The reply the channel sends for this error.
    public var reply: HandlerReply {
        switch self {
        case .unknownCommand: .invalidCommand
        case .usage(let what): .usage(what)
        case .lineTooLong(let maxBytes): .usage("line longer than \(maxBytes) bytes")
        case .rateLimited(let maxPerSecond): .usage("more than \(maxPerSecond) commands per second")
        }
    }

    public var description: String {
        switch self {
        case .unknownCommand(let verb): "unknown command '\(verb)'"
        case .usage(let what): "invalid usage: \(what)"
        case .lineTooLong(let maxBytes): "line longer than \(maxBytes) bytes"
        case .rateLimited(let maxPerSecond): "more than \(maxPerSecond) commands per second"
        }
    }
}
