import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The browser gateway's registrar for a test: a real Kamailio with the repository's
/// `Tools/janus/registrar.cfg` on 127.0.0.1, started as `Tools/janus/run` starts it (the same
/// `-A` defines), with secrets of the test's own. Pages (here: SIPp) REGISTER per-call users
/// with minted passwords; the node INVITEs them through it with its own digest credentials.
/// Runs in a temporary folder of its own; `stop()` ends it by its pid and removes the folder.
public struct GatewayRegistrar: Sendable {
    /// The UDP port on 127.0.0.1 the registrar listens on.
    public let port: Int
    /// The run folder (pid file, `registrar.log`); removed by `stop()`.
    public let runDirectory: URL
    private let child: KamailioChildProcess

    static let startTimeoutMilliseconds = 10_000
    static let stopTimeoutMilliseconds = 5_000
    static let pollIntervalMilliseconds = 50

    /// Starts the registrar and returns once it answers OPTIONS, or throws with its log's tail.
    /// The secrets and the node's user may hold letters, digits and `. _ -` (1–64), as
    /// `Tools/janus/run` requires.
    public static func start(listenPort: Int, realm: String = "gateway.cartline.test", gatewaySecret: String,
                             nodeUser: String, nodePassword: String) async throws(KamailioProxyError) -> GatewayRegistrar {
        for (name, value) in [("realm", realm), ("gatewaySecret", gatewaySecret), ("nodeUser", nodeUser), ("nodePassword", nodePassword)] {
            guard (1...64).contains(value.count),
                  value.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) })
            else { throw .invalidSetting(name: name, reason: "must be 1-64 letters, digits or . _ -") }
        }
        let configuration = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tools/janus/registrar.cfg")
        guard FileManager.default.fileExists(atPath: configuration.path) else { throw .configurationMissing(path: configuration.path) }
        guard let kamailio = KamailioProxy.findKamailio() else { throw .kamailioNotInstalled }
        guard KamailioProxy.udpPortIsFree(listenPort) else { throw .portInUse(port: listenPort) }
        let instance = UUID().uuidString.lowercased()
        let runDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("cartline-registrar-\(instance)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
        } catch {
            throw .runDirectoryUnavailable(path: runDirectory.path, reason: "\(error)")
        }
        let arguments = [
            "-f", configuration.path, "-DD", "-E", "-m", "32", "-M", "4",
            "-A", "GW_IP=127.0.0.1", "-A", "GW_PORT=\(listenPort)", "-A", "GW_REALM=\"\(realm)\"",
            "-A", "GW_SECRET=\"\(gatewaySecret)\"", "-A", "GW_NODE_USER=\"\(nodeUser)\"",
            "-A", "GW_NODE_PASSWORD=\"\(nodePassword)\"", "-A", "GW_INSTANCE=\"\(instance)\"", "-A", "GW_CHILDREN=1",
            "-P", runDirectory.appendingPathComponent("kamailio.pid").path, "-Y", runDirectory.path, "-w", runDirectory.path,
        ]
        let child: KamailioChildProcess
        do {
            child = try KamailioChildProcess.spawn(executable: kamailio.path, arguments: arguments,
                                                   logFile: runDirectory.appendingPathComponent("registrar.log").path)
        } catch {
            try? FileManager.default.removeItem(at: runDirectory)
            throw error
        }
        let registrar = GatewayRegistrar(port: listenPort, runDirectory: runDirectory, child: child)
        try await registrar.waitUntilAnswering(instance: instance)
        return registrar
    }

    /// Stops Kamailio (SIGTERM, then SIGKILL of its group after 5 s) and removes its folder.
    public func stop() async {
        let stateBefore = child.state()
        if stateBefore == .running {
            child.send(SIGTERM, wholeGroup: false)
            let deadline = ContinuousClock.now + .milliseconds(Self.stopTimeoutMilliseconds)
            while child.state() == .running, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(Self.pollIntervalMilliseconds))
            }
        }
        if stateBefore != .gone { child.send(SIGKILL, wholeGroup: true) }
        try? FileManager.default.removeItem(at: runDirectory)
    }

    /// The registrar's log: one NOTICE line per registration, call and refusal.
    public func log() -> String {
        let text = (try? String(contentsOf: runDirectory.appendingPathComponent("registrar.log"), encoding: .utf8)) ?? "(no log)"
        return String(text.suffix(6_000))
    }

    private func waitUntilAnswering(instance: String) async throws(KamailioProxyError) {
        guard var probe = KamailioOptionsProbe(port: port, instance: instance) else {
            await stop()
            throw .launchFailed(reason: "cannot open a UDP socket for the readiness probe")
        }
        let deadline = ContinuousClock.now + .milliseconds(Self.startTimeoutMilliseconds)
        while ContinuousClock.now < deadline {
            if child.state() != .running {
                let failure = KamailioProxyError.exitedEarly(status: -1, logTail: log())
                await stop()
                throw failure
            }
            probe.send()
            try? await Task.sleep(for: .milliseconds(Self.pollIntervalMilliseconds * 2))
            if probe.answered() { return }
            if Task.isCancelled { break }
        }
        let failure = KamailioProxyError.notAnswering(port: port, waitedMilliseconds: Self.startTimeoutMilliseconds, logTail: log())
        await stop()
        throw failure
    }
}
