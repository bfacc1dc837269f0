/// Where the ops API listens, the token it demands and its stream limits.
public struct OpsAPIConfiguration: Sendable, Equatable {
    public static let minimumTokenLength = 16

    /// Address to listen on: loopback unless ops is reached from elsewhere on purpose.
    public var host: String
    public var port: Int
    /// The bearer token every request must carry (16+ characters).
    public var token: String
    /// A comment line on every open event stream this often, so proxies and clients see it alive.
    public var heartbeatInterval: Duration
    /// At most this many event streams are open at once; more are refused with 503.
    public var maxEventStreams: Int
    /// Events buffered per stream for a slow reader; past that the oldest are dropped.
    public var eventBufferCount: Int

    public init(host: String = "127.0.0.1", port: Int = 8081, token: String, heartbeatInterval: Duration = .seconds(15),
                maxEventStreams: Int = 16, eventBufferCount: Int = 256) throws(OpsAPIError) {
        guard token.count >= Self.minimumTokenLength else { throw .weakToken(minimumLength: Self.minimumTokenLength) }
        guard (0...65_535).contains(port) else { throw .invalidSetting(name: "port", value: "\(port)", expected: "0…65535") }
        guard heartbeatInterval > .zero else { throw .invalidSetting(name: "heartbeatInterval", value: "\(heartbeatInterval)", expected: "positive") }
        guard (1...1_000).contains(maxEventStreams) else {
            throw .invalidSetting(name: "maxEventStreams", value: "\(maxEventStreams)", expected: "1…1000")
        }
        guard (1...100_000).contains(eventBufferCount) else {
            throw .invalidSetting(name: "eventBufferCount", value: "\(eventBufferCount)", expected: "1…100000")
        }
        self.host = host
        self.port = port
        self.token = token
        self.heartbeatInterval = heartbeatInterval
        self.maxEventStreams = maxEventStreams
        self.eventBufferCount = eventBufferCount
    }

    /// From `CARTLINE_OPS_HOST` (default 127.0.0.1), `CARTLINE_OPS_PORT` (default 8081; 0: any
    /// free port, reported to `OpsAPI.application`'s `onServerRunning`) and
    /// `CARTLINE_OPS_TOKEN` (required, 16+ characters).
    public static func fromEnvironment(_ environment: [String: String]) throws(OpsAPIError) -> OpsAPIConfiguration {
        let host = environment["CARTLINE_OPS_HOST"] ?? "127.0.0.1"
        var port = 8081
        if let text = environment["CARTLINE_OPS_PORT"] {
            guard let value = Int(text), (0...65_535).contains(value) else {
                throw .invalidSetting(name: "CARTLINE_OPS_PORT", value: text, expected: "0…65535")
            }
            port = value
        }
        return try OpsAPIConfiguration(host: host, port: port, token: environment["CARTLINE_OPS_TOKEN"] ?? "")
    }
}
