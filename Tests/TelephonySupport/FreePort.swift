#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Free local ports for test peers: bind to port 0 (or a candidate), read the port, close.
/// Another process may grab the port between close and use; tests tolerate that by failing loudly.
public enum FreePort {
    /// A UDP port on 127.0.0.1 that was free a moment ago.
    public static func udp() -> Int {
        for _ in 0..<64 {
            if let port = bindUDP(port: 0) { return port }
        }
        return 0
    }

    /// The first of `count` consecutive UDP ports that were all free a moment ago
    /// (SIPp binds its media port and the ports above it).
    public static func udpRange(count: Int) -> Int {
        for _ in 0..<256 {
            let first = Int.random(in: 20_000...(60_000 - count))
            if (first..<(first + count)).allSatisfy({ bindUDP(port: $0) != nil }) { return first }
        }
        return udp()
    }

    /// Binds a UDP socket to 127.0.0.1:`port`, returns the bound port, closes the socket.
    static func bindUDP(port: Int) -> Int? {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_DGRAM, 0)
        #endif
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { return nil }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { return nil }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
