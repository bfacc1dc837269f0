import CartlineTestSupport
import Foundation
import Testing

/// Issue 14: clients that trickle a request a byte at a time (slowloris) are never idle, so the
/// idle timeout alone let each hold a connection for as long as it liked. A request's head and
/// body must now all arrive within `CARTLINE_HTTP_REQUEST_READ_TIMEOUT_SECONDS` of its first
/// byte. The slow clients are raw sockets in a Python child process: an HTTP client library
/// does not show promptly when the server closes.
@Suite("Slow clients against a real `cartline serve`", .timeLimit(.minutes(3)))
struct SlowClientTests {
    static let readTimeoutSeconds = 2.0

    @Test func aTrickledHeadOrBodyGets408AndIsClosedAtTheReadDeadline() async throws {
        try await TestDatabase.with { database in
            let server = try Self.server(database)
            try #require(try await server.waitHealthy(), "\(server.log)")
            let results = try Self.runClients(["single", String(server.port)]).array
            let byKind = Dictionary(results.map { ($0["kind"] as? String ?? "", $0) }) { first, _ in first }
            for kind in ["head", "body"] {
                let result = try #require(byKind[kind], "\(results)")
                let seconds = result["seconds"] as? Double ?? 0
                #expect(result["outcome"] as? String != "open", "a trickled \(kind) was never closed: \(result)")
                #expect(seconds >= Self.readTimeoutSeconds - 0.3 && seconds < Self.readTimeoutSeconds + 2, "a trickled \(kind): \(result)")
                #expect((result["answer"] as? String ?? "").hasPrefix("HTTP/1.1 408"), "a trickled \(kind): \(result)")
            }
            // Only the request's own arrival counts: a head slow but in time is answered, and a
            // kept-alive connection outlives the deadline between its requests.
            #expect((byKind["slowButInTime"]?["answer"] as? String ?? "").hasPrefix("HTTP/1.1 200"), "\(results)")
            #expect(byKind["keepAlive"]?["statuses"] as? [Int] == [200, 200, 200], "\(results)")
            #expect(Self.faults(in: server.log).isEmpty, "\(Self.faults(in: server.log))")
            server.process.terminate()
            #expect(try await server.waitExit())
        }
    }

    @Test func twoHundredTricklingConnectionsLeaveOtherClientsServedPromptly() async throws {
        try await TestDatabase.with { database in
            let server = try Self.server(database)
            try #require(try await server.waitHealthy(), "\(server.log)")
            let crowdSeconds = 6.0
            let crowd = try Self.startClients(["crowd", String(server.port), "200", String(crowdSeconds)])
            defer { if crowd.process.isRunning { crowd.process.terminate() } }
            // The crowd says "ready" once all 200 are connected and trickling; each one closed is
            // replaced at once until `crowdSeconds` have passed.
            let ready = String(decoding: crowd.output.fileHandleForReading.availableData, as: UTF8.self)
            #expect(ready.hasPrefix("ready"), "\(ready)")

            let started = ContinuousClock.now
            var slowest = Duration.zero
            var rounds = 0
            while ContinuousClock.now - started < .seconds(crowdSeconds - 1) {
                let before = ContinuousClock.now
                let health = try await HTTP.send("GET", "\(server.baseURL)/health")
                #expect(health.status == 200 && health.json["status"] as? String == "ready", "\(health.status)")
                let put = try await HTTP.send("PUT", "\(server.baseURL)/v1/preferences",
                                              json: #"{"mode": "pstn", "phone": "+4930123456", "consent": true}"#)
                #expect(put.status == 200 && put.json["mode"] as? String == "pstn", "\(put.status) \(String(decoding: put.body, as: UTF8.self))")
                let page = try await HTTP.send("GET", "\(server.baseURL)/")
                #expect(page.status == 200 && String(decoding: page.body, as: UTF8.self).contains("<html"), "\(page.status)")
                slowest = max(slowest, (ContinuousClock.now - before) / 3)
                rounds += 1
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(rounds >= 5)
            #expect(slowest < .seconds(1), "a normal request took \(slowest) while the crowd trickled")

            let summary = try Self.finish(crowd).object
            #expect(summary["open"] as? Int == 0, "\(summary)")
            #expect((summary["errors"] as? [Any])?.isEmpty == true, "\(summary)")
            #expect((summary["connections"] as? Int ?? 0) >= 400, "every trickler was closed and replaced: \(summary)")
            #expect((summary["maxSeconds"] as? Double ?? 99) < Self.readTimeoutSeconds + 3, "\(summary)")
            #expect((summary["minSeconds"] as? Double ?? 0) >= Self.readTimeoutSeconds - 0.3, "\(summary)")
            #expect(Self.faults(in: server.log).isEmpty, "\(Self.faults(in: server.log))")
            server.process.terminate()
            #expect(try await server.waitExit())
        }
    }

    @Test func theReadDeadlineIsValidatedAndListedInServeHelp() async throws {
        try await TestDatabase.with { database in
            for bad in ["0", "601", "soon"] {
                var environment = ServeProcess.environment(databaseURL: database.url, port: 1, secrets: .init())
                environment["CARTLINE_HTTP_REQUEST_READ_TIMEOUT_SECONDS"] = bad
                let result = try await runCartline(["serve"], databaseURL: database.url, environment: environment)
                #expect(result.status != 0)
                #expect(result.output.contains("CARTLINE_HTTP_REQUEST_READ_TIMEOUT_SECONDS must be a whole number 1…600"), "\(result.output)")
            }
            let help = try await runCartline(["serve", "--help"], databaseURL: database.url)
            #expect(help.output.contains("CARTLINE_HTTP_REQUEST_READ_TIMEOUT_SECONDS"))
            #expect(help.output.contains("CARTLINE_HTTP_IDLE_TIMEOUT_SECONDS"))
        }
    }

    // MARK: - Helpers

    static func server(_ database: TestDatabase) throws -> ServeProcess {
        try ServeProcess(databaseURL: database.url, extra: ["CARTLINE_HTTP_REQUEST_READ_TIMEOUT_SECONDS": String(Int(readTimeoutSeconds))])
    }

    /// Lines the server logged at error level or worse (the test process logs warnings and up).
    static func faults(in log: String) -> [Substring] {
        log.split(separator: "\n").filter { line in
            let words = line.split(separator: " ", maxSplits: 2)
            return words.count > 1 && ["error", "critical"].contains(words[1])
        }
    }

    struct Clients {
        let process: Process
        let output: Pipe
    }

    static func startClients(_ arguments: [String]) throws -> Clients {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        return Clients(process: process, output: output)
    }

    /// The clients' last line of output, as JSON.
    static func finish(_ clients: Clients) throws -> (array: [[String: Any]], object: [String: Any]) {
        let text = String(decoding: clients.output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        clients.process.waitUntilExit()
        let last = text.split(separator: "\n").last.map(String.init) ?? ""
        let parsed = try JSONSerialization.jsonObject(with: Data(last.utf8))
        return (parsed as? [[String: Any]] ?? [], parsed as? [String: Any] ?? [:])
    }

    static func runClients(_ arguments: [String]) throws -> (array: [[String: Any]], object: [String: Any]) {
        try finish(try startClients(arguments))
    }

    /// `single PORT`: one client of each kind at once, a JSON list of what each saw.
    /// `crowd PORT N SECONDS`: N trickling connections (heads and bodies), each replaced when
    /// the server closes it, for SECONDS; "ready", then a JSON summary.
    static let script = #"""
        import json, socket, sys, threading, time
        port = int(sys.argv[2])
        HEAD = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"a" * 4000 + b"\r\n\r\n"
        BODY = b"POST /v1/agent/sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
        INTERVAL = 0.4

        def trickle(kind, connected=None):
            # Sends one byte every INTERVAL (the body's head at once) until the server closes.
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            start = time.monotonic()
            if kind == "body":
                s.sendall(BODY)
                data = b"{" + b" " * 99999
            else:
                data = HEAD
            if connected: connected()
            s.settimeout(INTERVAL)
            sent, answer, outcome = 0, b"", "open"
            while time.monotonic() - start < 15:
                try:
                    if sent < len(data):
                        s.send(data[sent:sent + 1]); sent += 1
                except OSError:
                    outcome = "reset"; break
                try:
                    chunk = s.recv(4096)
                    if not chunk:
                        outcome = "closed"; break
                    answer += chunk
                except socket.timeout:
                    continue
                except OSError:
                    outcome = "reset"; break
            seconds = time.monotonic() - start
            s.close()
            return {"kind": kind, "outcome": outcome, "seconds": round(seconds, 2), "answer": answer[:40].decode("latin-1")}

        def slow_but_in_time():
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            request = b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            step = len(request) // 5 + 1
            for i in range(0, len(request), step):
                s.sendall(request[i:i + step]); time.sleep(0.2)
            answer = s.recv(4096)
            s.close()
            return {"kind": "slowButInTime", "answer": answer[:40].decode("latin-1")}

        def keep_alive():
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
            statuses = []
            for _ in range(3):
                s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                buffer = b""
                while b"\r\n\r\n" not in buffer:
                    chunk = s.recv(4096)
                    if not chunk: break
                    buffer += chunk
                head, _, body = buffer.partition(b"\r\n\r\n")
                length = int([l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")][0])
                while len(body) < length:
                    body += s.recv(4096)
                statuses.append(int(head.split(b" ")[1]))
                time.sleep(1.5)
            s.close()
            return {"kind": "keepAlive", "statuses": statuses}

        if sys.argv[1] == "single":
            results = [None] * 4
            jobs = [lambda: trickle("head"), lambda: trickle("body"), slow_but_in_time, keep_alive]
            def run(i):
                try: results[i] = jobs[i]()
                except Exception as error: results[i] = {"kind": "error", "error": repr(error)}
            threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
            for t in threads: t.start()
            for t in threads: t.join()
            print(json.dumps(results))
        else:
            count, seconds = int(sys.argv[3]), float(sys.argv[4])
            results, lock, connected = [], threading.Lock(), threading.Semaphore(0)
            end = time.monotonic() + seconds
            def worker(i):
                first = True
                while time.monotonic() < end:
                    try:
                        result = trickle("head" if i % 2 else "body", connected.release if first else None)
                    except Exception as error:
                        result = {"kind": "error", "outcome": "error " + repr(error), "seconds": 0, "answer": ""}
                        if first: connected.release()
                        time.sleep(0.1)
                    first = False
                    with lock: results.append(result)
            threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(count)]
            for t in threads: t.start()
            for _ in range(count): connected.acquire(timeout=10)
            print("ready", flush=True)
            for t in threads: t.join(timeout=30)
            closed = [r for r in results if r["outcome"] in ("closed", "reset")]
            print(json.dumps({
                "connections": len(results),
                "open": len([r for r in results if r["outcome"] == "open"]),
                "errors": [r["outcome"] for r in results if r["outcome"].startswith("error")][:5],
                "minSeconds": min([r["seconds"] for r in closed] or [0]),
                "maxSeconds": max([r["seconds"] for r in closed] or [99]),
                "with408": len([r for r in closed if r["answer"].startswith("HTTP/1.1 408")]),
            }))
        """#
}
