/// Why a line could not be written to a handler.
public enum HandlerIOError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The line holds a line break or is longer than the line limit.
    case invalidLine(String)
    /// The handler did not take the line within the write timeout (it stopped reading stdin).
    case timedOut
    /// The handler's stdin is closed (it exited or was terminated).
    case closed

    public var description: String {
        switch self {
        case .invalidLine(let why): "invalid line: \(why)"
        case .timedOut: "the handler did not read its input in time"
        case .closed: "the handler's input is closed"
        }
    }
}
