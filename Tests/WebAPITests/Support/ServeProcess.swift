import AsyncHTTPClient
import CartlineTestSupport
import Engine
import Foundation
import NIOCore
import NIOFoundationEssentialsCompat
import NIOHTTP1

/// A real `cartline serve` child process on a free port, its output in a temporary file.
/// Several may share one `Secrets` (and one database), as a deployment's processes do.
final class ServeProcess: @unchecked Sendable {
    struct Secrets: Sendable {
        var session = SecretKey().base64
        var preferences = "p1:\(SecretKey().base64)"
        var sealing = SecretKey().base64
        var admin = "test-admin-token-0123456789"
    }

    let process = Process()
    let port: Int
    let output: URL
    var baseURL: String { "http://127.0.0.1:\(port)" }

    init(databaseURL: String, secrets: Secrets = Secrets(), extra: [String: String] = [:]) throws {
        port = try Self.freePort()
        output = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString).log")
        process.executableURL = try cartlineBinary()
        process.arguments = ["serve"]
        process.environment = Self.environment(databaseURL: databaseURL, port: port, secrets: secrets).merging(extra) { $1 }
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

    /// The bearer token `/metrics` wants from every test process.
    static let metricsToken = "test-metrics-token-0123456789"
    static var scraper: [String: String] { ["Authorization": "Bearer \(metricsToken)"] }

    var log: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    static func environment(databaseURL: String, port: Int, secrets: Secrets) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = databaseURL
        environment["CARTLINE_PORT"] = String(port)
        environment["CARTLINE_SESSION_KEY"] = secrets.session
        environment["CARTLINE_PREFS_KEYS"] = secrets.preferences
        environment["CARTLINE_SEALING_KEY"] = secrets.sealing
        environment["CARTLINE_ADMIN_TOKEN"] = secrets.admin
        environment["CARTLINE_METRICS_TOKEN"] = metricsToken
        environment["CARTLINE_PUBLIC_DIR"] = TestDatabase.projectRoot.appendingPathComponent("Public").path
        environment["CARTLINE_LOG_LEVEL"] = "warning"
        // Each process is a telephony node of its own: its own name, any free SIP and ops ports.
        environment["CARTLINE_NODE_NAME"] = "test-node-\(port)"
        environment["CARTLINE_OPS_PORT"] = "0"
        environment["CARTLINE_OPS_TOKEN"] = "test-ops-token-0123456789"
        environment["CARTLINE_PROMPTS_DIR"] = TestDatabase.projectRoot.appendingPathComponent("Prompts").path
        return environment
    }

    func waitHealthy(seconds: Int = 20) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if let response = try? await HTTP.send("GET", "\(baseURL)/health"), response.status == 200 { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Waits (bounded) for the process to exit; true if it did.
    func waitExit(seconds: Int = 15) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        return !process.isRunning
    }

    static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Plain HTTP to a real server, with an explicit cookie header (AsyncHTTPClient: Foundation's
/// URLSession on Linux hides `Set-Cookie`).
enum HTTP {
    struct Answer: Sendable {
        let status: Int
        let headers: [String: String]
        let body: Data
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
    }

    static func send(_ method: String, _ url: String, json: String? = nil, cookie: String? = nil, headers: [String: String] = [:]) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        if let json { request.body = .bytes(ByteBuffer(string: json)); request.headers.add(name: "Content-Type", value: "application/json") }
        if let cookie { request.headers.add(name: "Cookie", value: cookie) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        var fields: [String: String] = [:]
        for header in response.headers { fields[header.name.lowercased()] = header.value }
        return Answer(status: Int(response.status.code), headers: fields, body: Data(buffer: body))
    }
}
