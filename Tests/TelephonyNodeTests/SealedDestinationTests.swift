import CartlineTestSupport
import Domain
import Engine
import EventLog
import Foundation
import Telephony
import TelephonyNode
import TelephonyTestSupport
import Testing

/// The destination in `CallRequested` is sealed under the shopper's key: the node opens it
/// to dial, and once the shopper is erased (the key destroyed) nobody can.
@Suite("Sealed call destinations")
struct SealedDestinationTests {
    @Test func theNodeOpensASealedDestinationAndAnErasedShoppersCallFailsUnreadable() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let key = SecretKey()
                let vault = PersonalDataVault(log: log, sealingKey: key, sealingKeyID: "t1")
                try await withPeers([
                    { try await SIPpPeer.start(scenario: .builtIn("uas"), calls: 1) },
                ]) { peers in
                    let customer = peers[0]
                    try await NodeHarness.withNode(log, name: "node-sealed", sealingKey: key) { node in
                        let shopper = UUID()
                        let uri = "sip:shopper@127.0.0.1:\(customer.port)"
                        let sealed = try await vault.seal(uri, for: shopper)
                        #expect(sealed.hasPrefix(PersonalDataVault.sealedPrefix) && !sealed.contains("shopper@"))
                        let callId = try await NodeHarness.requestCall(log, destination: sealed, agentURI: "sip:nobody@127.0.0.1:9", shopperId: shopper)
                        _ = try await NodeHarness.waitForCall(log, callId, until: ["CallAnswered", "CallFailed"])
                        let events = try await log.read(stream: .call(callId))
                        #expect(events.contains { $0.type == "CallAnswered" }, "\(events.map(\.type))")
                        #expect(!events.contains { String(describing: $0.data).contains("shopper@127.0.0.1") })
                        _ = await node.opsControl.hangUp(callId: callId)
                        _ = try await NodeHarness.waitForCall(log, callId, until: ["CallEnded", "CallFailed"])

                        let erased = UUID()
                        let sealedForErased = try await vault.seal(uri, for: erased)
                        try await vault.erase(erased)
                        let lost = try await NodeHarness.requestCall(log, destination: sealedForErased, agentURI: "sip:nobody@127.0.0.1:9", shopperId: erased)
                        let lostEvents = try await NodeHarness.waitForCall(log, lost, until: ["CallFailed", "CallEnded"])
                        let failed = try #require(lostEvents.last).data.decode(as: CallFailed.self)
                        #expect(failed.reason == "destination-unreadable")
                }
                }
            }
        }
    }
}
