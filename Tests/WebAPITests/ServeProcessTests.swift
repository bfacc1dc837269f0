import CartlineTestSupport
import Foundation
import Testing

@Suite("A real `cartline serve` process")
struct ServeProcessTests {
    @Test func itServesThenDrainsAndExitsZeroOnSIGTERM() async throws {
        try await TestDatabase.with { database in
            let server = try ServeProcess(databaseURL: database.url)
            #expect(try await server.waitHealthy(), "\(server.log)")
            server.process.terminate()  // SIGTERM
            #expect(try await server.waitExit())
            #expect(server.process.terminationStatus == 0, "\(server.log)")
        }
    }

    /// Issue 14: connections had no idle timeout, so a client that connects and sends nothing
    /// (or half a request) held its connection for ever.
    @Test func anIdleOrStalledConnectionIsClosedAfterTheIdleTimeout() async throws {
        try await TestDatabase.with { database in
            let server = try ServeProcess(databaseURL: database.url, extra: ["CARTLINE_HTTP_IDLE_TIMEOUT_SECONDS": "1"])
            #expect(try await server.waitHealthy(), "\(server.log)")
            // Python's socket: connect, send `prefix`, and time how long until the server closes.
            let script = """
                import socket, sys, time
                s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
                s.sendall(sys.argv[2].encode())
                s.settimeout(15)
                start = time.monotonic()
                try:
                    data = s.recv(4096)
                except socket.timeout:
                    data = None
                print("open" if data is None else f"closed {time.monotonic() - start:.1f}")
                """
            for prefix in ["", "GET /health HTTP/1.1\r\nHost: x\r\n"] {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
                process.arguments = ["-c", script, String(server.port), prefix]
                let pipe = Pipe()
                process.standardOutput = pipe
                try process.run()
                let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                let seconds = output.hasPrefix("closed ") ? Double(output.dropFirst(7).trimmingCharacters(in: .whitespacesAndNewlines)) : nil
                #expect(seconds.map { $0 < 5 } == true, "a connection that sent '\(prefix.prefix(20))' was still open: \(output)")
            }
            server.process.terminate()
            _ = try await server.waitExit()
        }
    }

    /// Issue 14: streams are capped per shopper; a shopper who closes and reopens tabs (the
    /// server may not have seen the closes yet) must never be locked out.
    @Test func aShopperWhoReopensTabsIsNeverLockedOut() async throws {
        try await TestDatabase.with { database in
            let server = try ServeProcess(databaseURL: database.url, extra: ["CARTLINE_SSE_MAX_PER_SHOPPER": "2"])
            #expect(try await server.waitHealthy(), "\(server.log)")
            let script = """
                import socket, sys, time, urllib.request
                port = int(sys.argv[1])
                cookie = urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/engagement").headers["Set-Cookie"].split(";")[0]
                def stream():
                    s = socket.create_connection(("127.0.0.1", port))
                    s.sendall(f"GET /v1/offers/stream HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nCookie: {cookie}\\r\\n\\r\\n".encode())
                    s.settimeout(10)
                    return s, s.recv(100).decode(errors="replace").split(" ")[1]
                a, first = stream(); b, second = stream(); c, third = stream()
                a.close(); b.close(); c.close()
                d, again = stream()
                print(first, second, third, again)
                """
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = ["-c", script, String(server.port)]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "200 200 200 200", "\(output)\n\(server.log)")
            server.process.terminate()
            _ = try await server.waitExit()
        }
    }

    @Test func aMissingSecretStopsTheServerWithAClearMessage() async throws {
        try await TestDatabase.with { database in
            var environment = ServeProcess.environment(databaseURL: database.url, port: 1, secrets: .init())
            environment["CARTLINE_SESSION_KEY"] = nil
            let result = try await runCartline(["serve"], databaseURL: database.url, environment: environment)
            #expect(result.status != 0)
            #expect(result.output.contains("CARTLINE_SESSION_KEY is not set"))
            environment = ServeProcess.environment(databaseURL: database.url, port: 1, secrets: .init())
            environment["CARTLINE_PREFS_KEYS"] = "p1:short"
            let bad = try await runCartline(["serve"], databaseURL: database.url, environment: environment)
            #expect(bad.status != 0)
            #expect(bad.output.contains("32 bytes in base64"))
        }
    }
}
