/// One item read from a handler's stdout.
public enum HandlerOutput: Sendable, Equatable {
    /// A complete line, without its newline (invalid UTF-8 is replaced, and then fails parsing).
    case line(String)
    /// A line longer than the limit; its bytes were discarded up to the next newline.
    case overlong
}
