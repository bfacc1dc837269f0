import NIOCore

extension SocketAddress {
    /// The UDP address of a SIP URI's host and port (5060 by default, 5061 for sips).
    /// Names are resolved with getaddrinfo (blocking); numeric addresses are not looked up.
    static func forSIP(_ uri: SIPURI) throws -> SocketAddress {
        let port = uri.port ?? (uri.scheme == .sips ? 5061 : 5060)
        if let numeric = try? SocketAddress(ipAddress: uri.host, port: port) { return numeric }
        return try SocketAddress.makeAddressResolvingHost(uri.host, port: port)
    }
}
