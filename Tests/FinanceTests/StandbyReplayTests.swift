import CartlineTestSupport
import Foundation
import Testing

/// Finance reads from a replica: `cartline-finance replay` against a streaming hot standby
/// of the test cluster (started with `Tools/db standby`) gives the same bytes as against the
/// primary once the standby has caught up.
@Suite("cartline-finance on a read replica", .serialized)
struct StandbyReplayTests {
    /// The test cluster `Tools/test` started: its folder (from the environment it exports,
    /// else the default) and the port the test databases are on.
    static func cluster(of url: String) -> (directory: String, port: Int) {
        let environment = ProcessInfo.processInfo.environment
        let directory = environment["CARTLINE_DB_DIR"] ?? TestDatabase.projectRoot.appendingPathComponent(".data/test-postgres").path
        return (directory, URLComponents(string: url)?.port ?? 54339)
    }

    static func tool(_ arguments: [String], url: String, standbyPort: Int) async throws -> FinanceResult {
        let (directory, port) = cluster(of: url)
        return try await runProcess(TestDatabase.projectRoot.appendingPathComponent("Tools/db"), arguments, environment: { environment in
            environment["CARTLINE_DB_DIR"] = directory
            environment["CARTLINE_DB_PORT"] = String(port)
            environment["CARTLINE_DB_STANDBY_PORT"] = String(standbyPort)
        }, timeoutSeconds: 120)
    }

    /// A TCP port nobody listens on now (the kernel's pick): the cluster's port + 1 may be a
    /// client connection's ephemeral port on a busy machine.
    static func freePort() async throws -> Int {
        let found = try await runProcess(URL(fileURLWithPath: "/usr/bin/python3"),
                                         ["-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"])
        guard let port = Int(found.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw TestSetupError.noBinary("python3 for a free port") }
        return port
    }

    @Test func replayOnTheStandbyGivesTheSameBytesAsOnThePrimary() async throws {
        try await TestDatabase.with { db in
            let fixture = try FinanceFixture()
            try await db.withEventLog { log in
                try await fixture.write(log)
                try await fixture.postShopperCall(log)
            }
            let standbyPort = try await Self.freePort()
            let started = try await Self.tool(["standby", "start"], url: db.url, standbyPort: standbyPort)
            #expect(started.status == 0, "\(started.output)")
            do {
                let caughtUp = try await Self.tool(["standby", "wait", "60"], url: db.url, standbyPort: standbyPort)
                #expect(caughtUp.status == 0, "\(caughtUp.output)")
                let port = Self.cluster(of: db.url).port
                let standbyURL = db.url.replacingOccurrences(of: ":\(port)/", with: ":\(standbyPort)/")
                #expect(standbyURL != db.url)
                let asOf = "2100-01-01"
                let onPrimary = try await runFinance(["replay", "--as-of", asOf], databaseURL: db.url)
                let onStandby = try await runFinance(["replay", "--as-of", asOf], databaseURL: standbyURL)
                #expect(onPrimary.status == 0, "\(onPrimary.output)")
                #expect(onStandby.status == 0, "\(onStandby.output)")
                #expect(!onPrimary.stdout.isEmpty && onPrimary.stdout == onStandby.stdout)
                // The standby is read-only: it is a replica, not a second primary.
                let reconcile = try await runFinance(["reconcile"], databaseURL: standbyURL)
                #expect(reconcile.status == 0, "\(reconcile.output)")
            } catch {
                _ = try? await Self.tool(["standby", "destroy"], url: db.url, standbyPort: standbyPort)
                throw error
            }
            let destroyed = try await Self.tool(["standby", "destroy"], url: db.url, standbyPort: standbyPort)
            #expect(destroyed.status == 0, "\(destroyed.output)")
        }
    }
}
