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
    public let port: Int
    /// The run folder (pid file, `kamailio.log`); removed by `stop()`.
    public let runDirectory: URL
    private let child: KamailioChildProcess

    static let startTimeoutMilliseconds = 10_000
    static let stopTimeoutMilliseconds = 5_000
    static let pollIntervalMilliseconds = 50
    static let logTailBytesMax = 4_000
    static let settingCharactersMax = 64
    /// Shared and per-process memory in MB: a test proxy needs little of Kamailio's defaults.
    static let sharedMemoryMegabytes = 32
    static let processMemoryMegabytes = 4

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

        let configuration = configurationFile()
        guard FileManager.default.fileExists(atPath: configuration.path) else {
            throw .configurationMissing(path: configuration.path)
        }
        guard let kamailio = findKamailio() else { throw .kamailioNotInstalled }
        // Kamailio binds with SO_REUSEADDR, so it would share a taken port silently.
        guard udpPortIsFree(listenPort) else { throw .portInUse(port: listenPort) }

        let instance = UUID().uuidString.lowercased()
        let runDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("cartline-kamailio-\(instance)", isDirectory: true)
        let logFile = runDirectory.appendingPathComponent("kamailio.log")
        do {
            try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
        } catch {
            throw .runDirectoryUnavailable(path: runDirectory.path, reason: "\(error)")
        }

        let arguments = [
            "-f", configuration.path,
            "-DD", "-E",  // stay in the foreground (we own the pid), log to stderr, not syslog
            "-m", "\(sharedMemoryMegabytes)", "-M", "\(processMemoryMegabytes)",
            "-A", "TRUNK_IP=127.0.0.1",
            "-A", "TRUNK_PORT=\(listenPort)",
            "-A", "TRUNK_REALM=\"\(realm)\"",
            "-A", "TRUNK_USER=\"\(username)\"",
            "-A", "TRUNK_PASSWORD=\"\(password)\"",
            "-A", "TRUNK_RELAY=\"sip:\(relayTo.host):\(relayTo.port)\"",
            "-A", "TRUNK_INSTANCE=\"\(instance)\"",
            "-A", "TRUNK_CHILDREN=1",
            "-P", runDirectory.appendingPathComponent("kamailio.pid").path,
            "-Y", runDirectory.path,
            "-w", runDirectory.path,
        ]
        let child: KamailioChildProcess
        do {
            child = try KamailioChildProcess.spawn(
                executable: kamailio.path, arguments: arguments, logFile: logFile.path)
        } catch {
            try? FileManager.default.removeItem(at: runDirectory)
            throw error
        }
        let proxy = KamailioProxy(port: listenPort, runDirectory: runDirectory, child: child)
        try await proxy.waitUntilAnswering(instance: instance)
        return proxy
    }

    /// Stops Kamailio (SIGTERM, then SIGKILL after 5 s) and removes its run folder.
    public func stop() async {
        let stateBefore = child.state()
        if stateBefore == .running {
            // Kamailio's main process stops its workers itself on SIGTERM.
            child.send(SIGTERM, wholeGroup: false)
            if await !exited(withinMilliseconds: Self.stopTimeoutMilliseconds) {
                child.send(SIGKILL, wholeGroup: true)
                _ = await exited(withinMilliseconds: Self.stopTimeoutMilliseconds)
            }
        }
        // Workers left behind by a main process that died on its own. The group id stays
        // reserved while any member lives, so right after the reap this reaches only them;
        // a second stop() (state .gone) sends nothing.
        if stateBefore != .gone {
            child.send(SIGKILL, wholeGroup: true)
        }
        try? FileManager.default.removeItem(at: runDirectory)
    }

    /// The end of Kamailio's log (at most 4,000 bytes): one NOTICE line per relayed call
    /// and per final reply, one per rejected credential.
    public func logTail() -> String {
        Self.tail(of: runDirectory.appendingPathComponent("kamailio.log"))
    }

    // MARK: - Starting

    private func waitUntilAnswering(instance: String) async throws(KamailioProxyError) {
        guard var probe = KamailioOptionsProbe(port: port, instance: instance) else {
            await stop()
            throw .launchFailed(reason: "cannot open a UDP socket for the readiness probe")
        }
        let deadline = ContinuousClock.now + .milliseconds(Self.startTimeoutMilliseconds)
        while ContinuousClock.now < deadline {
            switch child.state() {
            case .running:
                break
            case .exited(let status):
                let failure = KamailioProxyError.exitedEarly(status: status, logTail: logTail())
                await stop()
                throw failure
            case .gone:
                let failure = KamailioProxyError.exitedEarly(status: -1, logTail: logTail())
                await stop()
                throw failure
            }
            probe.send()
            try? await Task.sleep(for: .milliseconds(Self.pollIntervalMilliseconds * 2))
            if probe.answered() { return }
            if Task.isCancelled { break }
        }
        let failure = KamailioProxyError.notAnswering(
            port: port, waitedMilliseconds: Self.startTimeoutMilliseconds, logTail: logTail())
        await stop()
        throw failure
    }

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

    // MARK: - Stopping

    private func exited(withinMilliseconds limit: Int) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(limit)
        while child.state() == .running {
            if ContinuousClock.now >= deadline { return false }
            do {
                try await Task.sleep(for: .milliseconds(Self.pollIntervalMilliseconds))
            } catch {
                // Cancelled: stop() still has to wait for the exit, without spinning.
                usleep(useconds_t(Self.pollIntervalMilliseconds * 1_000))
            }
        }
        return true
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

    private static func tail(of file: URL) -> String {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return "(no log)" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > UInt64(logTailBytesMax) ? size - UInt64(logTailBytesMax) : 0
        guard (try? handle.seek(toOffset: start)) != nil,
              let data = try? handle.readToEnd() else { return "(unreadable log)" }
        return String(decoding: data, as: UTF8.self)
    }
}
