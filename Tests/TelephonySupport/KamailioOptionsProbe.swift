import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Asks a SIP proxy on 127.0.0.1 "are you there?" with OPTIONS over UDP, without blocking:
/// `send()` fires one probe, `answered()` looks at what has arrived since.
///
/// An answer counts only if it carries `X-Cartline-Instance: <instance>`, which the
/// repository's kamailio.cfg adds: another process on the same port cannot pass for ours.
struct KamailioOptionsProbe: ~Copyable {
    static let datagramBytesMax = 4_096
    /// Datagrams read per `answered()` call; more wait for the next call.
    static let datagramsPerCheckMax = 16

    private let descriptor: Int32
    private let localPort: Int
    private let targetPort: Int
    private let instance: String
    private var sequence = 0

    /// Opens a UDP socket on 127.0.0.1 for probing `port`; nil when the socket fails.
    init?(port: Int, instance: String) {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        var local = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &local) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(descriptor, address, length) == 0 && getsockname(descriptor, address, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
        self.localPort = Int(UInt16(bigEndian: local.sin_port))
        self.targetPort = port
        self.instance = instance
    }

    deinit { close(descriptor) }

    /// Sends one OPTIONS to the proxy (a lost datagram is simply retried by the caller).
    mutating func send() {
        sequence += 1
        let message = [
            "OPTIONS sip:127.0.0.1:\(targetPort) SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:\(localPort);branch=z9hG4bK-probe-\(instance)-\(sequence)",
            "Max-Forwards: 70",
            "From: <sip:probe@127.0.0.1>;tag=probe\(sequence)",
            "To: <sip:127.0.0.1:\(targetPort)>",
            "Call-ID: probe-\(sequence)-\(instance)",
            "CSeq: \(sequence) OPTIONS",
            "Content-Length: 0",
            "", "",
        ].joined(separator: "\r\n")
        var target = Self.loopback(port: targetPort)
        let bytes = Array(message.utf8)
        _ = withUnsafePointer(to: &target) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                sendto(descriptor, bytes, bytes.count, 0, address, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }

    /// Whether an answer from this instance has arrived (reads without waiting).
    func answered() -> Bool {
        var buffer = [UInt8](repeating: 0, count: Self.datagramBytesMax)
        for _ in 0..<Self.datagramsPerCheckMax {
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            // EAGAIN: nothing (more) yet; ECONNREFUSED: nobody listens yet.
            guard count > 0 else {
                if count < 0 && errno == ECONNREFUSED { continue }
                return false
            }
            let text = String(decoding: buffer[0..<count], as: UTF8.self)
            if text.hasPrefix("SIP/2.0 ") && text.contains("X-Cartline-Instance: \(instance)\r\n") {
                return true
            }
        }
        return false
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        return address
    }
}
