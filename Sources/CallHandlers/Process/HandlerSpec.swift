/// What to run as a call handler: an executable path, its arguments and its whole environment.
public struct HandlerSpec: Sendable, Equatable {
    /// Absolute path (or a path relative to the node's working directory); no `PATH` search.
    public var executable: String
    public var arguments: [String]
    /// The child's entire environment; `PATH=/usr/bin:/bin` is added unless given here.
    public var environment: [String: String]
    /// The child's working directory; nil keeps the node's.
    public var workingDirectory: String?

    public init(executable: String, arguments: [String] = [], environment: [String: String] = [:], workingDirectory: String? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    /// The `PATH` every handler gets unless its spec names another.
    public static let defaultPath = "/usr/bin:/bin"

    /// The environment exactly as passed to the child, as `NAME=value` strings, sorted.
    var environmentEntries: [String] {
        var environment = environment
        if environment["PATH"] == nil { environment["PATH"] = Self.defaultPath }
        return environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }
}
