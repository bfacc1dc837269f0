import CartlineTestSupport
import Domain
import Engine
import EventLog
import Foundation
import Telephony
import TelephonyNode
import TelephonyTestSupport
import Testing

/// The telephony role against a real Postgres and real SIPp phones: calls are claimed
/// from the log, placed, and recorded back into it.
@Suite("The telephony node places requested calls and records them")
struct NodeCallTests {
    @Test func aRequestedCallIsClaimedPlacedBridgedAndRecordedWithItsBillableTime() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                try await withPeers([
                    { try await SIPpPeer.start(scenario: .fixture("uas-hangs-up.xml"), extraArguments: ["-d", "3000", "-rtp_echo"]) },
                    { try await SIPpPeer.start(scenario: .builtIn("uas"), extraArguments: ["-rtp_echo"]) },
                ]) { peers in
                    let (customer, agent) = (peers[0], peers[1])
                    try await NodeHarness.withNode(log, name: "node-a") { _ in
                        let callId = try await NodeHarness.requestCall(log, destination: "sip:shopper@127.0.0.1:\(customer.port)",
                                                                       agentURI: "sip:dana@127.0.0.1:\(agent.port)")
                        let events = try await NodeHarness.waitForCall(log, callId, until: ["CallEnded", "CallFailed"])
                        #expect(events.map(\.type) == ["CallRequested", "ChannelAssigned", "CallRinging", "CallAnswered", "CallEnded"]
                                || events.map(\.type) == ["CallRequested", "ChannelAssigned", "CallRinging", "CallAnswered", "AgentBridged", "CallEnded"],
                                "\(events.map(\.type))")
                        let assigned = try #require(events.first { $0.type == "ChannelAssigned" }).data.decode(as: ChannelAssigned.self)
                        #expect(assigned.node == "node-a")
                        let ended = try #require(events.last).data.decode(as: CallEnded.self)
                        #expect(ended.cause == "customer-hangup")
                        #expect(ended.answeredMilliseconds > 2_000)
                }
                }
            }
        }
    }

    @Test func twoNodesRaceForOneCallAndExactlyOnePlacesIt() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                try await withPeers([
                    { try await SIPpPeer.start(scenario: .builtIn("uas"), calls: 2) },
                ]) { peers in
                    let customer = peers[0]
                    try await NodeHarness.withNode(log, name: "node-one") { one in
                        try await NodeHarness.withNode(log, name: "node-two") { two in
                            let callId = try await NodeHarness.requestCall(log, destination: "sip:shopper@127.0.0.1:\(customer.port)",
                                                                           agentURI: "sip:nobody@127.0.0.1:9")
                            _ = try await NodeHarness.waitForCall(log, callId, until: ["CallAnswered", "CallFailed"])
                            let events = try await log.read(stream: .call(callId))
                            #expect(events.filter { $0.type == "ChannelAssigned" }.count == 1, "\(events.map(\.type))")
                            let placed = await one.pool.liveCalls().count + two.pool.liveCalls().count
                            #expect(placed <= 1)
                            // Whichever node won hangs up when ops says so; the call ends honestly.
                            let winner = try #require(events.first { $0.type == "ChannelAssigned" }).data.decode(as: ChannelAssigned.self).node
                            let node = winner == "node-one" ? one : two
                            _ = await node.opsControl.hangUp(callId: callId)
                            let final = try await NodeHarness.waitForCall(log, callId, until: ["CallEnded", "CallFailed"])
                            #expect(final.filter { $0.type == "CallEnded" || $0.type == "CallFailed" }.count == 1)
                        }
                }
                }
            }
        }
    }
}

@Suite("A completed purchase cancels its pending call")
struct CompletedCartTests {
    @Test func aCallStillRingingWhenTheCartCompletesIsCancelledAndAnUnclaimedOneFails() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                // The phone rings and never answers.
                try await withPeers([
                    { try await SIPpPeer.start(scenario: .fixture("sip-ring-no-answer.xml"), timeout: .seconds(60)) },
                ]) { peers in
                    let customer = peers[0]
                    try await NodeHarness.withNode(log, name: "node-complete") { _ in
                        let cartId = UUID()
                        let callId = try await Self.requestCall(log, cartId: cartId, destination: "sip:shopper@127.0.0.1:\(customer.port)")
                        _ = try await NodeHarness.waitForCall(log, callId, until: ["CallRinging"])
                        try await Self.complete(log, cartId: cartId)
                        let events = try await NodeHarness.waitForCall(log, callId, until: ["CallFailed", "CallEnded"])
                        let failed = try #require(events.last, "\(events.map(\.type))").data.decode(as: CallFailed.self)
                        #expect(failed.reason == "cart-completed")
                }
                }
            }
        }
    }

    /// Appends the call's intent to its engagement stream and its own stream, as accepting does.
    static func requestCall(_ log: EventLog, cartId: UUID, destination: String) async throws -> UUID {
        let callId = UUID()
        let call = CallRequested(callId: callId, offerId: nil, cartId: cartId, shopperId: UUID(), merchantId: "test-shop", mode: .voip,
                                 destination: destination, agentName: "Dana", agentSipUri: "sip:nobody@127.0.0.1:9", at: Date())
        _ = try await log.append(to: .engagement(cartId), [try EngagementEvent.callRequested(call).encodedForLog().newEvent(id: UUID())], expected: .noStream)
        _ = try await log.append(to: .call(callId), [try CallEvent.requested(call).encodedForLog().newEvent(id: UUID())], expected: .noStream)
        return callId
    }

    static func complete(_ log: EventLog, cartId: UUID) async throws {
        let eur = try Currency("EUR")
        let completed = CartEvent.checkoutCompleted(CheckoutCompleted(orderRef: "ORDER-1", total: Money(amountMicros: 1_000_000, currency: eur), at: Date()))
        _ = try await log.append(to: .cart(cartId), [try completed.encodedForLog().newEvent(id: UUID())], expected: .any)
    }
}
