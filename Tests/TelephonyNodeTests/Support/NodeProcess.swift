import CartlineTestSupport
import Engine
import Foundation
import TelephonyTestSupport

/// A real `cartline serve` process running the engine and telephony roles (no web), as a
/// telephony host would, with its ops API on a port of its own.
final class NodeProcess: @unchecked Sendable {  // Process is not Sendable; only this type touches it.
    static let opsToken = "node-test-ops-token-0123456789"

    let process = Process()
    let name: String
    let opsPort: Int
    let output: URL

    init(databaseURL: String, name: String, sealingKey: String, extra: [String: String] = [:]) throws {
        self.name = name
        self.opsPort = Self.freeTCPPort()
        self.output = FileManager.default.temporaryDirectory.appendingPathComponent("node-\(UUID().uuidString).log")
        process.executableURL = try cartlineBinary()
        process.arguments = ["serve", "--roles", "engine,telephony"]
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = databaseURL
        environment["CARTLINE_SESSION_KEY"] = SecretKey().base64
        environment["CARTLINE_PREFS_KEYS"] = "p1:\(SecretKey().base64)"
        environment["CARTLINE_SEALING_KEY"] = sealingKey
        environment["CARTLINE_ADMIN_TOKEN"] = "node-test-admin-token-0123456789"
        environment["CARTLINE_NODE_NAME"] = name
        environment["CARTLINE_OPS_PORT"] = String(opsPort)
        environment["CARTLINE_OPS_TOKEN"] = Self.opsToken
        environment["CARTLINE_PROMPTS_DIR"] = TestDatabase.projectRoot.appendingPathComponent("Prompts").path
        environment["CARTLINE_LOG_LEVEL"] = "info"
        process.environment = environment.merging(extra) { $1 }
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: output)
    }

    var log: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }
    var opsURL: String { "http://127.0.0.1:\(opsPort)" }
    var pid: Int32 { process.processIdentifier }

    /// Waits until the node says it started (bounded).
    func waitStarted(seconds: Int = 30) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline, process.isRunning {
            if log.contains("telephony node started") && log.contains("ops API listening") { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    func killHard() { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }

    /// SIGTERM, then waits for the exit (bounded).
    func stop() async -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(20)
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { killHard() }
        return process.terminationStatus
    }

    static func freeTCPPort() -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
