/// Bounds on one handler process and its conversation.
public struct HandlerLimits: Sendable, Equatable {
    /// Longest line read from or written to a handler, in bytes, newline excluded (commands
    /// are also held to the protocol's 1024 by the parser, whatever this says).
    public var maxLineBytes: Int = HandlerCommandParser.maxLineBytes
    /// Commands (valid or not) accepted per second; beyond it each line gets `520`.
    public var maxCommandsPerSecond: Int = 200
    /// Bad lines (510/520) tolerated in one conversation before it ends with `handler-protocol`.
    public var maxBadLines: Int = 100
    /// How long the handler may go without writing a command while one is expected.
    public var idleTimeout: Duration = .seconds(60)
    /// How long one write to the handler's stdin may wait (a handler that stops reading blocks it).
    public var writeTimeout: Duration = .seconds(5)
    /// Grace between SIGHUP, SIGTERM and SIGKILL when a handler is terminated.
    public var terminateGrace: Duration = .seconds(1)
    /// How many bytes of the handler's stderr are kept for diagnostics.
    public var stderrTailBytes: Int = 4096
    /// Lines buffered from the handler before its stdout stops being read (then the pipe fills
    /// and the handler blocks): one pipe read (4 KiB) may add up to 2,048 more.
    public var bufferedLines: Int = 64

    public init() {}
}
