import CallHandlers
import Foundation
import Media
import Telephony
import TelephonyTestSupport
import Testing

/// Whole calls on a channel pool: a real handler process per call, real SIPp phones at
/// the far ends, real RTP.
@Suite("Calls on the channel pool against SIPp")
struct ChannelPoolCallTests {
    static let handler = HandlerSpec(executable: PoolHarness.builtBinary("cartline-call-handler"))

    @Test func anAnsweredVoIPCallIsBridgedToTheAgentAndBilledUntilTheCustomerHangsUp() async throws {
        let prompts = try PoolHarness.shortPrompts()
        try await withPeers([
            { try await SIPpPeer.talking(scenario: "uas-talks-then-hangs-up.xml", extraArguments: ["-d", "2500"]) },
            { try await SIPpPeer.start(scenario: .builtIn("uas"), extraArguments: ["-rtp_echo"]) },
        ]) { peers in
            let (customer, agent) = (peers[0], peers[1])
            try await PoolHarness.withPool(PoolHarness.configuration(handler: Self.handler, prompts: prompts)) { pool in
                let plan = PoolHarness.plan(destination: "sip:shopper@127.0.0.1:\(customer.port)", agentURI: "sip:dana@127.0.0.1:\(agent.port)")
                let log = try await placeCall(plan, on: pool)
                let entries = await log.entries
                #expect(entries.contains(.ringing(sipStatus: 180)))
                #expect(entries.contains(.answered))
                #expect(entries.contains(.agentBridged))
                let ending = try #require(await log.ending, "progress: \(entries)")
                #expect(ending.cause == "customer-hangup")
                // The customer talked 2.5 s after answering; the greeting and the agent's answer took part of it.
                #expect((1_000...2_600).contains(ending.billableMilliseconds), "billable \(ending.billableMilliseconds) ms")
                #expect(ending.answeredMilliseconds >= ending.billableMilliseconds)
                // The customer's audio reached the agent and the agent's echo came back, through the bridge.
                let statistics = pool.mediaStatistics()
                #expect(statistics.packetsRelayed > 40, "media relayed between the legs: \(statistics)")
                #expect(await pool.status().busy == 0)
            }
        }
    }

    @Test func aCallWhoseCreditIsSpentEndsAsCreditExhaustedWhenItsTalkTimeIsUsed() async throws {
        let prompts = try PoolHarness.shortPrompts()
        try await withPeers([
            // The customer would talk for 20 s; the credit covers 1 s of conversation.
            { try await SIPpPeer.talking(scenario: "uas-talks-then-hangs-up.xml", extraArguments: ["-d", "20000"]) },
            { try await SIPpPeer.start(scenario: .builtIn("uas"), extraArguments: ["-rtp_echo"]) },
        ]) { peers in
            let (customer, agent) = (peers[0], peers[1])
            try await PoolHarness.withPool(PoolHarness.configuration(handler: Self.handler, prompts: prompts)) { pool in
                let plan = PoolHarness.plan(destination: "sip:shopper@127.0.0.1:\(customer.port)", agentURI: "sip:dana@127.0.0.1:\(agent.port)")
                let log = ProgressLog()
                let channel = try #require(await pool.reserve(callId: plan.callId))
                let call = Task { await pool.run(plan, on: channel) { await log.append($0) } }
                // The limit arrives once the customer answered (charging reacts to CallAnswered).
                let deadline = ContinuousClock.now + .seconds(15)
                while await !log.entries.contains(.answered), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
                #expect(await pool.limitCredit(callId: plan.callId, talkSeconds: 1))
                let started = ContinuousClock.now
                await call.value
                let entries = await log.entries
                let ending = try #require(await log.ending, "progress: \(entries)")
                #expect(ending.cause == "credit-exhausted")
                // Counted from the bridge: 1 s of conversation, not the 20 s the customer wanted.
                #expect((900...1_600).contains(ending.billableMilliseconds), "billable \(ending.billableMilliseconds) ms")
                #expect(ContinuousClock.now - started < .seconds(10))
                #expect(await pool.limitCredit(callId: plan.callId, talkSeconds: 1) == false, "the call is gone")
            }
        }
    }

    @Test func aBusyCustomerFailsTheCallAsBusy() async throws {
        let prompts = try PoolHarness.shortPrompts()
        try await withPeers([{ try await SIPpPeer.start(scenario: .fixture("uas-busy.xml")) }]) { peers in
            try await PoolHarness.withPool(PoolHarness.configuration(handler: Self.handler, prompts: prompts)) { pool in
                let plan = PoolHarness.plan(destination: "sip:shopper@127.0.0.1:\(peers[0].port)", agentURI: "sip:dana@127.0.0.1:9")
                let log = try await placeCall(plan, on: pool)
                let entries = await log.entries
                #expect(await log.failureReason == "busy", "progress: \(entries)")
                #expect(await pool.status().busy == 0)
            }
        }
    }
}

@Suite("A far end that vanishes")
struct MediaTimeoutTests {
    @Test func aCustomerWhoseRTPStopsWithoutABYEEndsTheCallAsMediaTimeout() async throws {
        let prompts = try PoolHarness.shortPrompts()
        // No -rtp_echo: the phone answers and then sends nothing, as if it had vanished.
        try await withPeers([
            { try await SIPpPeer.start(scenario: .builtIn("uas"), timeout: .seconds(30)) },
            { try await SIPpPeer.start(scenario: .builtIn("uas"), timeout: .seconds(30), extraArguments: ["-rtp_echo"]) },
        ]) { peers in
            let handler = HandlerSpec(executable: PoolHarness.builtBinary("cartline-call-handler"))
            try await PoolHarness.withPool(PoolHarness.configuration(handler: handler, prompts: prompts)) { pool in
                let plan = PoolHarness.plan(destination: "sip:shopper@127.0.0.1:\(peers[0].port)", agentURI: "sip:dana@127.0.0.1:\(peers[1].port)")
                let log = try await placeCall(plan, on: pool)
                let entries = await log.entries
                #expect(await log.ending?.cause == "media-timeout", "\(entries)")
                #expect(await pool.status().busy == 0)
            }
        }
    }
}
