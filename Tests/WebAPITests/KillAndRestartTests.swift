import CartlineTestSupport
import Domain
import Engine
import Foundation
import Synchronization
import Testing

/// Issue 14, a first fault: `cartline serve` (every role) killed with SIGKILL while shoppers
/// write, then started again on the same database. Nothing it acknowledged may be lost, and
/// the invariant checker finds the log and the read models whole.
/// The writes a server acknowledged: each cart and the version its answer named.
final class Acknowledged: Sendable {
    private let entries = Mutex<[(cart: UUID, version: Int64)]>([])
    func add(_ cart: UUID, _ version: Int64) { entries.withLock { $0.append((cart, version)) } }
    var all: [(cart: UUID, version: Int64)] { entries.withLock { $0 } }
}

@Suite("A server killed mid-load loses nothing it acknowledged")
struct KillAndRestartTests {
    static let shoppers = 4

    @Test func aServerKilledWithSIGKILLLosesNothingItAcknowledgedAndTheInvariantsHold() async throws {
        try await TestDatabase.with { database in
            let secrets = ServeProcess.Secrets()
            let first = try ServeProcess(databaseURL: database.url, secrets: secrets)
            #expect(try await first.waitHealthy(), "\(first.log)")
            let merchant = String(decoding: try JSONSerialization.data(withJSONObject: WebHarness.merchantJSON("demo-shop")), as: UTF8.self)
            let registered = try await HTTP.send("POST", "\(first.baseURL)/v1/admin/merchants", json: merchant,
                                                 headers: ["Authorization": "Bearer \(secrets.admin)"])
            #expect(registered.status == 201)

            // Shoppers add items as fast as they can; each acknowledged add is recorded with the
            // cart version its answer named. The first failure (the kill) ends a shopper.
            let acknowledged = Acknowledged()
            let base = first.baseURL
            let writers = Task {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<Self.shoppers {
                        group.addTask {
                            guard let opened = try? await HTTP.send("POST", "\(base)/v1/carts", json: #"{"merchantId":"demo-shop"}"#),
                                  opened.status == 201, let cart = (opened.json["id"] as? String).flatMap(UUID.init(uuidString:)),
                                  let cookie = opened.headers["set-cookie"]?.split(separator: ";").first.map(String.init) else { return }
                            acknowledged.add(cart, 1)
                            while true {
                                guard let added = try? await HTTP.send("POST", "\(base)/v1/carts/\(cart.uuidString.lowercased())/items",
                                                                       json: #"{"sku":"grinder","quantity":1}"#, cookie: cookie),
                                      added.status == 200,
                                      let version = added.headers["etag"].flatMap({ Int64($0.trimmingCharacters(in: CharacterSet(charactersIn: "\""))) })
                                else { return }
                                acknowledged.add(cart, version)
                            }
                        }
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(1_500))
            kill(first.process.processIdentifier, SIGKILL)
            await writers.value
            let acks = acknowledged.all
            #expect(acks.count > Self.shoppers, "the shoppers wrote before the kill")

            // Started again on the same database: every acknowledged write is in the log.
            let second = try ServeProcess(databaseURL: database.url, secrets: secrets)
            #expect(try await second.waitHealthy(), "\(second.log)")
            try await Task.sleep(for: .seconds(2))  // the restarted projectors catch up
            try await database.withEventLog { log in
                let store = AggregateStore(log: log)
                var newest: [UUID: Int64] = [:]
                for ack in acks { newest[ack.cart] = max(newest[ack.cart] ?? 0, ack.version) }
                for (cart, version) in newest {
                    let loaded = try await store.load(CartAggregate.self, .cart(cart))
                    #expect(loaded.version >= version, "cart \(cart): acknowledged version \(version), the log holds \(loaded.version)")
                }
                let report = try await InvariantChecker(log: log, options: InvariantCheckOptions(allowOpenCalls: true),
                                                        logger: TestDatabase.logger).check()
                #expect(report.isClean, "\(report.violations.prefix(10))")
            }
            second.process.terminate()
            #expect(try await second.waitExit())
        }
    }
}
