/// How a `SIPUserAgent` binds and times its transactions.
public struct SIPUserAgentConfiguration: Sendable {
    /// Local address to bind the UDP socket to.
    public var bindHost: String = "127.0.0.1"
    /// Local UDP port; 0 picks an ephemeral one (returned by `start()`).
    public var bindPort: Int = 0
    /// Host put in Via, Contact and From; `bindHost` when nil.
    public var advertisedHost: String?
    /// Value of the User-Agent header.
    public var userAgent: String = "Cartline"
    /// RFC 3261 T1 (round-trip estimate); timer B and F are 64·T1. Tests shorten it.
    public var t1: Duration = .milliseconds(500)
    /// RFC 3261 T2 (cap of the non-INVITE retransmission interval).
    public var t2: Duration = .seconds(4)
    /// Legs that may be in progress at once; `invite` refuses more.
    public var maxLiveLegs: Int = 4096
    /// How long `shutdown()` waits for BYE/CANCEL answers before closing the socket.
    public var shutdownGrace: Duration = .seconds(2)

    public init(
        bindHost: String = "127.0.0.1", bindPort: Int = 0, advertisedHost: String? = nil, userAgent: String = "Cartline",
        t1: Duration = .milliseconds(500), maxLiveLegs: Int = 4096
    ) {
        self.bindHost = bindHost
        self.bindPort = bindPort
        self.advertisedHost = advertisedHost
        self.userAgent = userAgent
        self.t1 = t1
        self.maxLiveLegs = maxLiveLegs
    }
}
