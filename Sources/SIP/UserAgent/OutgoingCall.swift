/// What to call and how: the request for one outbound INVITE.
public struct OutgoingCall: Sendable {
    /// Where to call, e.g. `sip:+493012345678@carrier.example;user=phone`.
    public var requestURI: String
    /// Next hop instead of the request URI's host (a trunk); also sent as a `Route` with `;lr`.
    public var outboundProxy: MediaAddress?
    /// User part of our From and Contact.
    public var fromUser: String
    public var fromDisplayName: String?
    /// Answers one 401/407 challenge when present.
    public var credentials: DigestCredentials?
    /// Our RTP address, offered in SDP.
    public var localMedia: MediaAddress
    /// No final answer by then → CANCEL → `failed(.noAnswer)`.
    public var ringTimeout: Duration

    public init(
        requestURI: String, outboundProxy: MediaAddress? = nil, fromUser: String, fromDisplayName: String? = nil,
        credentials: DigestCredentials? = nil, localMedia: MediaAddress, ringTimeout: Duration
    ) {
        self.requestURI = requestURI
        self.outboundProxy = outboundProxy
        self.fromUser = fromUser
        self.fromDisplayName = fromDisplayName
        self.credentials = credentials
        self.localMedia = localMedia
        self.ringTimeout = ringTimeout
    }
}
