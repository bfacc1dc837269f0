import NIOCore
import Synchronization

/// Random identifiers: branches (RFC 3261 magic cookie), tags, Call-IDs, cnonces.
enum Random {
    static func token() -> String { hex(UInt64.random(in: .min ... .max)) }

    static func branch() -> String { "z9hG4bK" + hex(UInt64.random(in: .min ... .max)) }

    static func callID() -> String { hex(UInt64.random(in: .min ... .max)) + hex(UInt64.random(in: .min ... .max)) }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// The number of live legs, readable from any thread.
final class LiveLegCounter: Sendable {
    private let count = Mutex(0)

    var value: Int { count.withLock { $0 } }

    func add(_ delta: Int) { count.withLock { $0 += delta } }
}

extension Duration {
    /// The duration as NIO's `TimeAmount` (nanoseconds; negative becomes zero).
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !nanoseconds.overflow else { return .hours(24 * 365) }
        return .nanoseconds(max(0, nanoseconds.partialValue + attoseconds / 1_000_000_000))
    }
}

extension SocketAddress {
    /// The UDP address of a SIP URI's host and port (5060 by default, 5061 for sips).
    /// Names are resolved with getaddrinfo (blocking); numeric addresses are not looked up.
    static func forSIP(_ uri: SIPURI) throws -> SocketAddress {
        let port = uri.port ?? (uri.scheme == .sips ? 5061 : 5060)
        if let numeric = try? SocketAddress(ipAddress: uri.host, port: port) { return numeric }
        return try SocketAddress.makeAddressResolvingHost(uri.host, port: port)
    }
}
