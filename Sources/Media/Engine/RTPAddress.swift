/// Where a leg's RTP goes: a host (an IP address, as SDP gives it) and a UDP port.
public struct RTPAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { "\(host):\(port)" }
}
