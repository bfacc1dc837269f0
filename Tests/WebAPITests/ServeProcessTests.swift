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
