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
    public var port: Int { instance.port }
    /// The run folder (pid file, `registrar.log`); removed by `stop()`.
    public var runDirectory: URL { instance.runDirectory }
    private let instance: KamailioInstance

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
        let started = try await KamailioInstance.start(name: "registrar", configuration: configuration, listenPort: listenPort) { instance in
            [
                "GW_IP=127.0.0.1", "GW_PORT=\(listenPort)", "GW_REALM=\"\(realm)\"", "GW_SECRET=\"\(gatewaySecret)\"",
                "GW_NODE_USER=\"\(nodeUser)\"", "GW_NODE_PASSWORD=\"\(nodePassword)\"", "GW_INSTANCE=\"\(instance)\"", "GW_CHILDREN=1",
            ]
        }
        return GatewayRegistrar(instance: started)
    }

    /// Stops Kamailio (SIGTERM, then SIGKILL of its group) and removes its folder.
    public func stop() async { await instance.stop() }

    /// The registrar's log: one NOTICE line per registration, call and refusal.
    public func log() -> String { instance.logTail() }
}
