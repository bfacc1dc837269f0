import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The carrier's SIP proxy for a test: a real Kamailio with the repository's
/// `Tools/farends/kamailio.cfg` on 127.0.0.1. It challenges every new INVITE with digest
/// auth (407, qop=auth, one user and password), record-routes it and relays it to one
/// fixed destination; in-dialog requests follow the route set; CANCEL is relayed.
///
/// Each proxy runs in a temporary folder of its own (pid file, log), so tests can run
/// several side by side; `stop()` ends it by its pid and removes the folder.
public struct KamailioProxy: Sendable {
    /// The UDP port on 127.0.0.1 the proxy listens on.
    public var port: Int { instance.port }
    /// The run folder (pid file, `kamailio.log`); removed by `stop()`.
    public var runDirectory: URL { instance.runDirectory }
    private let instance: KamailioInstance

    static let settingCharactersMax = 64

    /// Starts Kamailio on 127.0.0.1:`listenPort` relaying to `relayTo`, and returns once it
    /// answers SIP (an OPTIONS probe), or throws with the tail of its log.
    /// `realm`, `username` and `password` may hold letters, digits and `. _ - + ~` (1–64).
    public static func start(
        listenPort: Int,
        relayTo: (host: String, port: Int),
        realm: String,
        username: String,
        password: String
    ) async throws(KamailioProxyError) -> KamailioProxy {
        try validatePort(listenPort, name: "listenPort")
        try validatePort(relayTo.port, name: "relayTo.port")
        try validateHost(relayTo.host)
        try validatePlain(realm, name: "realm")
        try validatePlain(username, name: "username")
        try validatePlain(password, name: "password")

        let started = try await KamailioInstance.start(name: "kamailio", configuration: configurationFile(), listenPort: listenPort) { instance in
            [
                "TRUNK_IP=127.0.0.1", "TRUNK_PORT=\(listenPort)", "TRUNK_REALM=\"\(realm)\"", "TRUNK_USER=\"\(username)\"",
                "TRUNK_PASSWORD=\"\(password)\"", "TRUNK_RELAY=\"sip:\(relayTo.host):\(relayTo.port)\"",
                "TRUNK_INSTANCE=\"\(instance)\"", "TRUNK_CHILDREN=1",
            ]
        }
        return KamailioProxy(instance: started)
    }

    /// Stops Kamailio (SIGTERM, then SIGKILL after 5 s) and removes its run folder.
    public func stop() async { await instance.stop() }

    /// The end of Kamailio's log (at most 6,000 bytes): one NOTICE line per relayed call
    /// and per final reply, one per rejected credential.
    public func logTail() -> String { instance.logTail() }

    // MARK: - Starting

    /// The repository's config: this file is Tests/TelephonySupport/KamailioProxy.swift.
    static func configurationFile(thisFile: String = #filePath) -> URL {
        URL(fileURLWithPath: thisFile)
            .deletingLastPathComponent()  // TelephonySupport
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // the repository
            .appendingPathComponent("Tools/farends/kamailio.cfg")
    }

    /// `kamailio` on PATH or in the sbin folders, which a non-root PATH often lacks.
    static func findKamailio() -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init)
            + ["/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/bin"]
        return folders
            .map { URL(fileURLWithPath: $0).appendingPathComponent("kamailio") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Whether nothing is bound to UDP 127.0.0.1:`port` (a bind without SO_REUSEADDR fails
    /// while any socket holds the port, with or without that option).
    static func udpPortIsFree(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    // MARK: - Settings

    private static func validatePort(_ port: Int, name: String) throws(KamailioProxyError) {
        guard (1...65_535).contains(port) else {
            throw .invalidSetting(name: name, reason: "\(port) is not a port (1-65535)")
        }
    }

    /// An IPv4 address or host name: it goes into a SIP URI in the config.
    private static func validateHost(_ host: String) throws(KamailioProxyError) {
        let allowed = host.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || $0 == "." || $0 == "-"
        }
        guard allowed, (1...253).contains(host.count) else {
            throw .invalidSetting(name: "relayTo.host", reason: "'\(host)' is not an IPv4 address or host name")
        }
    }

    /// Kamailio reads these as quoted strings of its pre-processor: no quotes, backslashes
    /// or spaces, so a plain set of characters.
    private static func validatePlain(_ value: String, name: String) throws(KamailioProxyError) {
        let allowed = value.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || "._-+~".unicodeScalars.contains($0)
        }
        guard allowed, (1...settingCharactersMax).contains(value.count) else {
            throw .invalidSetting(
                name: name,
                reason: "must be 1-\(settingCharactersMax) letters, digits or . _ - + ~")
        }
    }
}
