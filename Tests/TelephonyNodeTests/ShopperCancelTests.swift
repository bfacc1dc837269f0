import CartlineTestSupport
import Domain
import Engine
import EventLog
import Foundation
import TelephonyTestSupport
import Testing

@Suite("The shopper cancels a call that is still ringing")
struct ShopperCancelTests {
    @Test func theNodeThatPlacedItHangsUpAndTheCallFailsAsCancelledByTheShopper() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                // The phone rings and never answers.
                try await withPeers([
                    { try await SIPpPeer.start(scenario: .fixture("sip-ring-no-answer.xml"), timeout: .seconds(60)) },
                ]) { peers in
                    try await NodeHarness.withNode(log, name: "node-cancel") { _ in
                        let shopperId = UUID()
                        let callId = try await NodeHarness.requestCall(log, destination: "sip:shopper@127.0.0.1:\(peers[0].port)",
                                                                       agentURI: "sip:nobody@127.0.0.1:9", shopperId: shopperId)
                        _ = try await NodeHarness.waitForCall(log, callId, until: ["CallRinging"])
                        let offers = OfferService(store: AggregateStore(log: log), merchants: MerchantDirectory(store: AggregateStore(log: log)),
                                                  capacity: ConfiguredCapacity(channels: 1), clock: SystemClock())
                        // Another shopper cannot; the shopper can, and the page hears "cancelling" at once.
                        await #expect(throws: DomainError.self) { _ = try await offers.cancelCall(callId, shopperId: UUID()) }
                        let asked = try await offers.cancelCall(callId, shopperId: shopperId)
                        #expect(asked.phase == .ringing && asked.cancelRequestedAt != nil)
                        // The node sends CANCEL (the phone answers 487): the call failed, cancelled by the shopper.
                        let events = try await NodeHarness.waitForCall(log, callId, until: ["CallFailed", "CallEnded"], seconds: 10)
                        let failed = try #require(events.last, "\(events.map(\.type))").data.decode(as: CallFailed.self)
                        #expect(failed.reason == "shopper-cancelled")
                        #expect(events.map(\.type).filter { $0 == "CallFailed" }.count == 1)
                    }
                }
            }
        }
    }
}
