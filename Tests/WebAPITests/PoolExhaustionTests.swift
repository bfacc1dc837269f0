import AsyncHTTPClient
import CartlineTestSupport
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PostgresNIO
import Testing

/// Issue 14: the database is up but slow. A lock held by someone else makes every statement
/// on the events table wait, so the server's small pool fills with statements that do not
/// finish. Every request past that is answered within the operation timeout's bound with a
/// 503 problem and `Retry-After` (never a 500, never a hang, never logged as a fault), and
/// once the lock goes the server serves again with nothing refused applied.
@Suite("A connection pool exhausted by slow queries")
struct PoolExhaustionTests {
    static let maxConnections = 4
    static let operationTimeoutSeconds = 2
    /// Longest any answer may take while the pool is exhausted: the wait in the append queue
    /// or for a connection, then a statement cut off by the server, each at most the timeout.
    static let answerBound = Duration.seconds(3 * operationTimeoutSeconds + 2)

    struct Answer: Sendable {
        let what: String
        let cart: Int
        let status: Int
        let headers: [String: String]
        let body: String
        let elapsed: Duration
        var detail: String { ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any])?["detail"] as? String ?? "" }
    }

    /// Sends without the shared client's limit of 8 connections to one host, so all requests
    /// reach the server at once; a generous timeout, so a hang is measured, not cut short.
    static func send(_ client: HTTPClient, _ method: HTTPMethod, _ url: String, json: String? = nil, cookie: String) async throws -> (Int, [String: String], String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let json { request.body = .bytes(ByteBuffer(string: json)); request.headers.add(name: "Content-Type", value: "application/json") }
        request.headers.add(name: "Cookie", value: cookie)
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        var fields: [String: String] = [:]
        for header in response.headers { fields[header.name.lowercased()] = header.value }
        return (Int(response.status.code), fields, String(buffer: body))
    }

    /// The backends connected to the test's database now.
    static func backendPIDs(_ db: TestDatabase) async throws -> [Int32] {
        var pids: [Int32] = []
        let rows = try await db.client.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database()", logger: TestDatabase.logger)
        for try await pid in rows.decode(Int32.self) { pids.append(pid) }
        return pids
    }

    @Test func requestsPastAnExhaustedPoolGet503WithinTheBoundAndNothingRefusedIsApplied() async throws {
        try await TestDatabase.with { db in
            // The test's own connections, told apart from the server's in pg_stat_activity.
            let ownPIDs = try await Self.backendPIDs(db)
            let secrets = ServeProcess.Secrets()
            let server = try ServeProcess(databaseURL: db.url, secrets: secrets, extra: [
                "CARTLINE_ROLES": "web",
                "CARTLINE_DB_MAX_CONNECTIONS": String(Self.maxConnections),
                "CARTLINE_DB_OPERATION_TIMEOUT_SECONDS": String(Self.operationTimeoutSeconds),
            ])
            #expect(try await server.waitHealthy(), "\(server.log)")
            let merchant = String(decoding: try JSONSerialization.data(withJSONObject: WebHarness.merchantJSON("demo-shop")), as: UTF8.self)
            #expect(try await HTTP.send("POST", "\(server.baseURL)/v1/admin/merchants", json: merchant,
                                        headers: ["Authorization": "Bearer \(secrets.admin)"]).status == 201)

            // Three shoppers with a cart each and one item in it: the server has each cart
            // cached, so an add goes straight to an append while a read must query the table.
            var carts: [(id: String, cookie: String)] = []
            var acknowledged: [Int] = []
            for _ in 0..<3 {
                let opened = try await HTTP.send("POST", "\(server.baseURL)/v1/carts", json: #"{"merchantId":"demo-shop"}"#)
                let id = try #require(opened.json["id"] as? String)
                let cookie = try #require(opened.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
                let added = try await HTTP.send("POST", "\(server.baseURL)/v1/carts/\(id)/items", json: #"{"sku":"grinder","quantity":1}"#, cookie: cookie)
                #expect(added.status == 200)
                carts.append((id, cookie))
                acknowledged.append(added.status == 200 ? 1 : 0)
            }

            // Someone else locks the events table: every read and append of the server waits.
            let lock = try await db.connect()
            var lockPID: Int32 = 0
            for try await pid in try await lock.query("SELECT pg_backend_pid()", logger: TestDatabase.logger).decode(Int32.self) { lockPID = pid }
            let testPIDs = ownPIDs + [lockPID]
            try await lock.query("BEGIN", logger: TestDatabase.logger)
            try await lock.query("LOCK TABLE events IN ACCESS EXCLUSIVE MODE", logger: TestDatabase.logger)

            var configuration = HTTPClient.Configuration()
            configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            let base = server.baseURL
            let snapshot = carts
            // A second into the flood: the server's connections, and how many wait on the lock.
            let sample = Task { () -> (open: Int, waiting: Int) in
                try await Task.sleep(for: .seconds(1))
                let rows = try await db.client.query("""
                    SELECT count(*)::int, (count(*) FILTER (WHERE wait_event_type = 'Lock'))::int FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid() AND NOT (pid = ANY(\(testPIDs)))
                    """, logger: TestDatabase.logger)
                for try await (open, waiting) in rows.decode((Int32, Int32).self) { return (Int(open), Int(waiting)) }
                return (0, 0)
            }
            // Per cart two reads and three adds at once: 15 requests against 4 connections.
            let answers = await withTaskGroup(of: Answer.self) { group in
                for (index, cart) in snapshot.enumerated() {
                    for round in 0..<5 {
                        let isRead = round < 2
                        group.addTask {
                            let started = ContinuousClock.now
                            let what = isRead ? "GET cart" : "POST items"
                            do {
                                let (status, headers, body) = isRead
                                    ? try await Self.send(client, .GET, "\(base)/v1/carts/\(cart.id)", cookie: cart.cookie)
                                    : try await Self.send(client, .POST, "\(base)/v1/carts/\(cart.id)/items", json: #"{"sku":"grinder","quantity":1}"#, cookie: cart.cookie)
                                return Answer(what: what, cart: index, status: status, headers: headers, body: body, elapsed: ContinuousClock.now - started)
                            } catch {
                                return Answer(what: what, cart: index, status: 0, headers: [:], body: "\(error)", elapsed: ContinuousClock.now - started)
                            }
                        }
                    }
                }
                var answers: [Answer] = []
                for await answer in group { answers.append(answer) }
                return answers
            }
            try await client.shutdown()
            let pool = try await sample.value
            #expect(pool.open <= Self.maxConnections, "the pool never opens more than its size: \(pool)")
            #expect(pool.waiting >= Self.maxConnections - 2, "the pool is full of statements waiting on the lock: \(pool)")

            for answer in answers {
                let shown = "\(answer.what) of cart \(answer.cart): \(answer.status) after \(answer.elapsed) \(answer.body.prefix(300))"
                #expect(answer.status == 503, "\(shown)")
                #expect(answer.elapsed < Self.answerBound, "answered within the bound: \(shown)")
                if answer.status == 503 {
                    #expect(answer.headers["retry-after"] != nil, "\(shown)")
                    #expect(answer.headers["content-type"] == "application/problem+json", "\(shown)")
                    let detail = answer.detail.lowercased()
                    #expect(detail.contains("too busy"), "the detail says why: \(shown)")
                }
                if answer.what == "POST items", answer.status == 200 { acknowledged[answer.cart] += 1 }
            }

            // The lock goes: the server serves again by itself, writes are acknowledged.
            try await lock.query("ROLLBACK", logger: TestDatabase.logger)
            try await lock.close()
            for (index, cart) in carts.enumerated() {
                let deadline = ContinuousClock.now + .seconds(20)
                var healed = false
                while !healed, ContinuousClock.now < deadline {
                    let answer = try? await HTTP.send("POST", "\(server.baseURL)/v1/carts/\(cart.id)/items", json: #"{"sku":"grinder","quantity":1}"#, cookie: cart.cookie)
                    if answer?.status == 200 { acknowledged[index] += 1; healed = true } else { try await Task.sleep(for: .milliseconds(250)) }
                }
                #expect(healed, "cart \(index) takes adds again within 20 s: \(server.log.suffix(2_000))")
            }

            // Every acknowledged add is in the log, and no refused one was applied: the cart
            // holds exactly the acknowledged quantity, at the version one event per add gives.
            for (index, cart) in carts.enumerated() {
                let read = try await HTTP.send("GET", "\(server.baseURL)/v1/carts/\(cart.id)", cookie: cart.cookie)
                #expect(read.status == 200)
                let quantity = ((read.json["items"] as? [[String: Any]])?.first?["quantity"] as? Int) ?? 0
                #expect(quantity == acknowledged[index], "cart \(index): acknowledged \(acknowledged[index]) adds, the cart holds \(quantity)")
                let stream = "cart-\(cart.id.lowercased())"
                var stored: Int64 = -1
                for try await version in try await db.client.query("SELECT COALESCE(max(stream_version), 0) FROM events WHERE stream_id = \(stream)", logger: TestDatabase.logger).decode(Int64.self) {
                    stored = version
                }
                #expect(stored == Int64(1 + acknowledged[index]), "cart \(index): opened + \(acknowledged[index]) adds, the log has version \(stored)")
                #expect(read.headers["etag"] == "\"\(stored)\"")
            }

            // The 503s were answers, not faults: nothing at error level in the server's log.
            let faults = server.log.split(separator: "\n").filter { $0.contains(" error ") || $0.contains(" critical ") || $0.contains("request failed") }
            #expect(faults.isEmpty, "logged as faults: \(faults.prefix(5).joined(separator: "\n"))")
            server.process.terminate()
            _ = try await server.waitExit(seconds: 15)
        }
    }

    @Test func aPoolTooSmallForTheRolesOrAnUnreadableSettingIsRefusedAtStart() async throws {
        try await TestDatabase.with { db in
            for (variable, value, expected) in [
                ("CARTLINE_DB_MAX_CONNECTIONS", "4", "CARTLINE_DB_MAX_CONNECTIONS is 4, but the roles engine,telephony,web hold 15 connections"),
                ("CARTLINE_DB_MAX_CONNECTIONS", "many", "CARTLINE_DB_MAX_CONNECTIONS must be a whole number 2…500, not 'many'"),
                ("CARTLINE_DB_OPERATION_TIMEOUT_SECONDS", "0", "CARTLINE_DB_OPERATION_TIMEOUT_SECONDS must be a whole number 1…300, not '0'"),
            ] {
                let server = try ServeProcess(databaseURL: db.url, extra: [variable: value])
                #expect(try await server.waitExit(seconds: 20), "\(variable)=\(value) is refused")
                #expect(server.process.terminationStatus != 0)
                #expect(server.log.contains(expected), "\(variable)=\(value): \(server.log.suffix(1_000))")
            }
        }
    }
}
