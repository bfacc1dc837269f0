import CartlineTestSupport
import Domain
import Engine
import Foundation
import Testing

/// Issue 14: PostgreSQL restarted under a running server. While it is down the server says so
/// (503 with `Retry-After`, never a 500), it reconnects by itself once it is back, and nothing
/// it acknowledged is lost. The cluster is the test's own (Tools/db, a folder and port of its
/// own), so stopping it harms no other test.
@Suite("A database restart under a running server")
struct DatabaseRestartTests {
    /// `Tools/db ARGS` on the test's own cluster; its standard output.
    static func db(_ arguments: [String], folder: URL, port: Int) throws -> String {
        let process = Process()
        process.executableURL = TestDatabase.projectRoot.appendingPathComponent("Tools/db")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["CARTLINE_DB_DIR"] = folder.path
        environment["CARTLINE_DB_PORT"] = String(port)
        environment["CARTLINE_DB_FAST"] = "1"
        environment["CARTLINE_DB_NAME"] = "cartline"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestSetupError.noBinary("Tools/db \(arguments.joined(separator: " ")) exited \(process.terminationStatus)") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func migrate(_ url: String) throws {
        let process = Process()
        process.executableURL = try cartlineBinary()
        process.arguments = ["migrate", "--database-url", url]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func whileTheDatabaseIsDownTheServerSays503ThenHealsByItselfAndLosesNothing() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cartline-restart-\(UUID().uuidString)")
        let port = try ServeProcess.freePort()
        let url = try Self.db(["start"], folder: folder, port: port)
        defer {
            _ = try? Self.db(["stop"], folder: folder, port: port)
            try? FileManager.default.removeItem(at: folder)
        }
        try Self.migrate(url)
        let secrets = ServeProcess.Secrets()
        let server = try ServeProcess(databaseURL: url, secrets: secrets)
        #expect(try await server.waitHealthy(), "\(server.log)")
        let merchant = String(decoding: try JSONSerialization.data(withJSONObject: WebHarness.merchantJSON("demo-shop")), as: UTF8.self)
        #expect(try await HTTP.send("POST", "\(server.baseURL)/v1/admin/merchants", json: merchant,
                                    headers: ["Authorization": "Bearer \(secrets.admin)"]).status == 201)
        let opened = try await HTTP.send("POST", "\(server.baseURL)/v1/carts", json: #"{"merchantId":"demo-shop"}"#)
        let cartText = try #require(opened.json["id"] as? String)
        let cookie = try #require(opened.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
        let add = { try await HTTP.send("POST", "\(server.baseURL)/v1/carts/\(cartText)/items", json: #"{"sku":"grinder","quantity":1}"#, cookie: cookie) }
        var acknowledged = 0
        for _ in 0..<3 where try await add().status == 200 { acknowledged += 1 }
        #expect(acknowledged == 3)

        // Down: once the server has noticed (its probe runs twice a second, two failures mark the
        // database down), every answer says so at once in a problem with Retry-After; /health too.
        _ = try Self.db(["stop"], folder: folder, port: port)
        try await Task.sleep(for: .seconds(5))
        var refused = 0
        for _ in 0..<3 {
            let started = ContinuousClock.now
            let answer = try await add()
            #expect(ContinuousClock.now - started < .seconds(2), "refused at once, not after the log's operation timeout")
            #expect(answer.status == 503, "with the database down: \(answer.status) \(String(decoding: answer.body, as: UTF8.self).prefix(200))")
            #expect(answer.headers["retry-after"] != nil && answer.headers["content-type"] == "application/problem+json")
            if answer.status == 200 { acknowledged += 1 } else { refused += 1 }
        }
        #expect(try await HTTP.send("GET", "\(server.baseURL)/health").status == 503)

        // Back: the server reconnects by itself; writes are acknowledged again.
        _ = try Self.db(["start"], folder: folder, port: port)
        let deadline = ContinuousClock.now + .seconds(30)
        var healed = false
        while !healed, ContinuousClock.now < deadline {
            if let answer = try? await add(), answer.status == 200 { acknowledged += 1; healed = true } else { try await Task.sleep(for: .milliseconds(250)) }
        }
        #expect(healed, "the server did not reconnect within 30 s: \(server.log.suffix(2_000))")

        // Nothing acknowledged is lost, and nothing refused was applied.
        let cart = try await HTTP.send("GET", "\(server.baseURL)/v1/carts/\(cartText)", cookie: cookie)
        let quantity = ((cart.json["items"] as? [[String: Any]])?.first?["quantity"] as? Int) ?? 0
        #expect(quantity == acknowledged, "acknowledged \(acknowledged) adds (\(refused) refused), the cart holds \(quantity)")
        #expect(!server.log.contains("request failed"), "a server fault was logged: \(server.log.suffix(2_000))")

        // The telephony node rode the restart out: its lock's session was lost and taken again
        // (before, the node's failed heartbeat ended the whole process some seconds later).
        // The node lock is an advisory lock of class "tele" held by the node's session.
        let nodeLocks = { try Self.db(["psql", "-tAc", "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = \(0x7465_6C65)"],
                                      folder: folder, port: port) }
        let lockDeadline = ContinuousClock.now + .seconds(30)
        while (try? nodeLocks()) != "1" || !server.log.contains("lost its database session"), ContinuousClock.now < lockDeadline {
            try await Task.sleep(for: .milliseconds(250))
        }
        try await Task.sleep(for: .seconds(3))
        #expect(server.process.isRunning, "the server exited after the database came back: \(server.log.suffix(2_000))")
        #expect(try nodeLocks() == "1", "the node holds its lock again: \(server.log.suffix(2_000))")
        #expect(try await HTTP.send("GET", "\(server.baseURL)/health").status == 200)

        // And it still stops gracefully on SIGTERM — within the log's operation timeout (30 s):
        // a read sent just as the database went can wait that long for its deadline, and the
        // drain waits for it (seen: "read all timed out after 30.0 s" during the stop).
        server.process.terminate()
        let exited = try await server.waitExit(seconds: 45)
        if !exited { kill(server.process.processIdentifier, SIGKILL) }
        #expect(exited, "graceful shutdown after a database restart did not finish: \(server.log.suffix(2_000))")
    }
}
