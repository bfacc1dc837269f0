import CartlineTestSupport
import Engine
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

@Suite("A real `cartline serve` process")
struct ServeProcessTests {
    @Test func itServesThenDrainsAndExitsZeroOnSIGTERM() async throws {
        try await TestDatabase.with { database in
            let port = try freePort()
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString).log")
            let process = try startServe(databaseURL: database.url, port: port, output: output)
            defer { if process.isRunning { process.interrupt() }; try? FileManager.default.removeItem(at: output) }
            #expect(try await waitForHealth(port: port), "\((try? String(contentsOf: output, encoding: .utf8)) ?? "")")
            process.terminate()  // SIGTERM
            let deadline = ContinuousClock.now + .seconds(15)
            while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!process.isRunning)
            #expect(process.terminationStatus == 0, "\((try? String(contentsOf: output, encoding: .utf8)) ?? "")")
        }
    }

    @Test func aMissingSecretStopsTheServerWithAClearMessage() async throws {
        try await TestDatabase.with { database in
            var environment = serveEnvironment(databaseURL: database.url, port: 1)
            environment["CARTLINE_SESSION_KEY"] = nil
            let result = try await runCartline(["serve"], databaseURL: database.url, environment: environment)
            #expect(result.status != 0)
            #expect(result.output.contains("CARTLINE_SESSION_KEY is not set"))
            environment = serveEnvironment(databaseURL: database.url, port: 1)
            environment["CARTLINE_PREFS_KEYS"] = "p1:short"
            let bad = try await runCartline(["serve"], databaseURL: database.url, environment: environment)
            #expect(bad.status != 0)
            #expect(bad.output.contains("32 bytes in base64"))
        }
    }

    private func serveEnvironment(databaseURL: String, port: Int) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = databaseURL
        environment["CARTLINE_PORT"] = String(port)
        environment["CARTLINE_SESSION_KEY"] = SecretKey().base64
        environment["CARTLINE_PREFS_KEYS"] = "p1:\(SecretKey().base64)"
        environment["CARTLINE_SEALING_KEY"] = SecretKey().base64
        environment["CARTLINE_ADMIN_TOKEN"] = "test-admin-token-0123456789"
        environment["CARTLINE_PUBLIC_DIR"] = TestDatabase.projectRoot.appendingPathComponent("Public").path
        environment["CARTLINE_LOG_LEVEL"] = "warning"
        return environment
    }

    private func startServe(databaseURL: String, port: Int, output: URL) throws -> Process {
        let process = Process()
        process.executableURL = try cartlineBinary()
        process.arguments = ["serve"]
        process.environment = serveEnvironment(databaseURL: databaseURL, port: port)
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    private func waitForHealth(port: Int) async throws -> Bool {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/health"))
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let (_, response) = try? await URLSession.shared.data(from: url), (response as? HTTPURLResponse)?.statusCode == 200 { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    private func freePort() throws -> Int {
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
