import CartlineTestSupport
import Domain
import Engine
import EventLog
import Foundation
import PostgresNIO
import Testing

/// `cartline seal-destinations` seals the destinations of calls requested before they
/// were sealed, and only those.
@Suite("cartline seal-destinations")
struct SealDestinationsCommandTests {
    @Test func destinationsInClearAreSealedOnceAndOpenToTheShoppersKey() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let key = SecretKey()
                let shopper = UUID()
                let callId = try await NodeHarness.requestCall(log, destination: "+4930123456", agentURI: "sip:dana@127.0.0.1:9",
                                                               mode: .pstn, shopperId: shopper)
                // The merchant_calls read model holds a copy of the request, projected in clear.
                try await ProjectionMaintenance(log: log, logger: TestDatabase.logger).rebuild("merchant_calls")
                var environment = ProcessInfo.processInfo.environment
                environment["CARTLINE_SEALING_KEY"] = key.base64
                let first = try await runCartline(["seal-destinations"], databaseURL: db.url, environment: environment)
                #expect(first.status == 0, "\(first.output)")
                #expect(first.output.contains("sealed 1 destination"), "\(first.output)")

                let stored = try #require(try await log.read(stream: .call(callId)).first).data.decode(as: CallRequested.self)
                #expect(stored.destination.hasPrefix(PersonalDataVault.sealedPrefix))
                let vault = PersonalDataVault(log: log, sealingKey: key, sealingKeyID: "s1")
                #expect(try await vault.open(stored.destination, for: shopper) == "+4930123456")
                // …and its copy was sealed in the same transaction: no clear number outlives the rewrite.
                let copies = try await db.client.query("SELECT request->>'destination' FROM merchant_calls WHERE call_id = \(callId)")
                var copied: [String] = []
                for try await destination in copies.decode(String.self) { copied.append(destination) }
                #expect(copied == [stored.destination])

                let again = try await runCartline(["seal-destinations"], databaseURL: db.url, environment: environment)
                #expect(again.output.contains("sealed 0 destinations"), "\(again.output)")

                var noKey = ProcessInfo.processInfo.environment
                noKey["CARTLINE_SEALING_KEY"] = nil
                let refused = try await runCartline(["seal-destinations"], databaseURL: db.url, environment: noKey)
                #expect(refused.status != 0 && refused.output.contains("CARTLINE_SEALING_KEY"), "\(refused.output)")
            }
        }
    }
}
