/// What a `WarmPool` keeps started, and how it restarts handlers that die while waiting.
public struct WarmPoolConfiguration: Sendable {
    /// Most processes a pool may keep ready.
    public static let maxSize = 64

    public var spec: HandlerSpec
    /// Processes kept started and waiting for their header (clamped to 0…`maxSize`).
    public var size: Int
    public var limits: HandlerLimits
    public var backoff: RestartBackoff
    /// This many crashes within `crashWindow` mark the pool failed…
    public var crashLimit: Int
    public var crashWindow: Duration
    /// …for this long; then it tries again.
    public var coolOff: Duration
    /// A waiting process that lived this long before dying does not grow the backoff.
    public var stableAfter: Duration

    public init(spec: HandlerSpec, size: Int, limits: HandlerLimits = HandlerLimits(), backoff: RestartBackoff = RestartBackoff(),
                crashLimit: Int = 5, crashWindow: Duration = .seconds(60), coolOff: Duration = .seconds(60), stableAfter: Duration = .seconds(10)) {
        self.spec = spec
        self.size = min(max(size, 0), Self.maxSize)
        self.limits = limits
        self.backoff = backoff
        self.crashLimit = max(crashLimit, 1)
        self.crashWindow = crashWindow
        self.coolOff = coolOff
        self.stableAfter = stableAfter
    }
}
