import CallHandlers
import Foundation
import Telephony
import TelephonyTestSupport
import Testing

/// Whole calls over a path that loses and delays datagrams for real: each far end sits behind a
/// `Tools/chaos-support/impaired_link.py` relay (a child process; the kernel has no netem), so
/// SIP's retransmission timers — ours and SIPp's — are what carries the call through.
@Suite("Calls over a lossy, slow path")
struct LossyPathTests {
    static let handler = HandlerSpec(executable: PoolHarness.builtBinary("cartline-call-handler"))

    /// The relays' seeds, found by replaying Python's `random` over the SIP exchange of this
    /// call (each relay draws SIP losses from streams of their own, so RTP does not shift them).
    /// The customer's relay loses the first INVITE, the first 200, the first ACK, the customer's
    /// first BYE and our first 200 to it; the agent's relay loses our first ACK, our first BYE
    /// and the agent's first 200 to it. Each is recovered by a retransmission: our timer A (INVITE),
    /// SIPp's 200 retransmissions (lost 200 or lost ACK), our timer E (BYE), SIPp's BYE
    /// retransmissions. If SIPp or our user agent ever send a different sequence, other messages
    /// are lost instead, and the check on the lost kinds below says which.
    static let customerSeed = 13538
    static let agentSeed = 492

    @Test func aCallThroughLossAndDelayOnBothLegsIsAnsweredBridgedAndEndsNormally() async throws {
        let prompts = try PoolHarness.shortPrompts()
        try await withPeers([
            // The customer streams talk.wav for 3 s from the ACK, then hangs up; the agent echoes what reaches it.
            { try await SIPpPeer.talking(scenario: "uas-talks-then-hangs-up.xml", extraArguments: ["-d", "3000"]) },
            { try await SIPpPeer.start(scenario: .builtIn("uas"), extraArguments: ["-rtp_echo"]) },
        ]) { peers in
            let (customer, agent) = (peers[0], peers[1])
            let started = ContinuousClock.now
            let (_, stats) = try await withImpairedLinks([
                { try await ImpairedLink.start(inFrontOf: customer.port, impairment: .init(
                    loss: 0.25, delay: .milliseconds(80), jitter: .milliseconds(20), seed: Self.customerSeed)) },
                { try await ImpairedLink.start(inFrontOf: agent.port, impairment: .init(
                    loss: 0.25, delay: .milliseconds(60), jitter: .milliseconds(20), seed: Self.agentSeed)) },
            ]) { links in
                var configuration = PoolHarness.configuration(handler: Self.handler, prompts: prompts)
                // The harness takes a handler silent for 5 s as hung; waiting for the hangup
                // over this path (BYEs lost and resent) may take longer than that.
                configuration.handlerLimits.idleTimeout = .seconds(15)
                try await PoolHarness.withPool(configuration) { pool in
                    let plan = PoolHarness.plan(destination: "sip:shopper@127.0.0.1:\(links[0].port)",
                                                agentURI: "sip:dana@127.0.0.1:\(links[1].port)")
                    let log = try await placeCall(plan, on: pool)
                    let entries = await log.entries
                    let output = links.map(\.output).joined(separator: "\n")
                    #expect(entries.contains(.answered), "progress: \(entries)\n\(output)")
                    #expect(entries.contains(.agentBridged), "progress: \(entries)\n\(output)")
                    // The customer's BYE (or its retransmission) reached us through the loss.
                    #expect(await log.ending?.cause == "customer-hangup", "progress: \(entries)\n\(output)")
                    #expect(await pool.status().busy == 0)
                    // Both far ends finish their scenarios: every request got its final answer,
                    // our ACKs and our BYE to the agent got through in the end. Waited for while
                    // the node and the relays still answer retransmissions.
                    #expect(await customer.waitForExit(timeout: .seconds(10)) == 0, "customer: \(customer.output)")
                    #expect(await agent.waitForExit(timeout: .seconds(10)) == 0, "agent: \(agent.output)")
                }
            }

            let customerLink = try #require(stats[0], "the customer's relay wrote no counters")
            let agentLink = try #require(stats[1], "the agent's relay wrote no counters")
            for (name, link) in [("customer", customerLink), ("agent", agentLink)] {
                #expect(link.stopped, "\(name): final counters")
                // Loss really happened on the signalling, each way, and was recovered from.
                #expect(link.directions.toFar.sip.dropped >= 1, "\(name): \(link.droppedSipMessages.toFar)")
                #expect(link.directions.toNode.sip.dropped >= 1, "\(name): \(link.droppedSipMessages.toNode)")
                #expect(link.directions.toFar.sip.delayed >= 1 && link.directions.toNode.sip.delayed >= 1)
                // The far end's Contact was rewritten, so our ACK and BYE crossed the relay too.
                #expect((link.rewrites["contact"] ?? 0) >= 1 && (link.rewrites["sdp"] ?? 0) >= 2, "\(name): \(link.rewrites)")
                // RTP crossed the lossy path both ways: the customer's voice to the agent, the
                // agent's echo back, through the bridge and both relays.
                #expect(link.directions.toFar.rtp.forwarded > 20 && link.directions.toNode.rtp.forwarded > 20, "\(name): \(link.directions)")
                #expect(link.rtpDropped > 0, "\(name): \(link.directions)")
            }
            // Every kind of message of a call was lost at least once, and the call went on.
            let lost = Set([customerLink, agentLink].flatMap { Array($0.droppedSipMessages.toFar.keys) + Array($0.droppedSipMessages.toNode.keys) })
            #expect(lost.isSuperset(of: ["INVITE", "200/INVITE", "ACK", "BYE", "200/BYE"]),
                    "lost: customer \(customerLink.droppedSipMessages), agent \(agentLink.droppedSipMessages)")
            #expect(ContinuousClock.now - started < .seconds(25))
        }
    }

    @Test func aCallThroughAPathThatLosesEverythingFailsAsANetworkTimeoutWhenTimerBFires() async throws {
        let prompts = try PoolHarness.shortPrompts()
        try await withPeers([{ try await SIPpPeer.start(scenario: .builtIn("uas"), timeout: .seconds(60)) }]) { peers in
            let (_, stats) = try await withImpairedLinks([
                { try await ImpairedLink.start(inFrontOf: peers[0].port, impairment: .init(loss: 1, delay: .milliseconds(50), seed: 1)) },
            ]) { links in
                try await PoolHarness.withPool(PoolHarness.configuration(handler: Self.handler, prompts: prompts)) { pool in
                    let plan = PoolHarness.plan(destination: "sip:shopper@127.0.0.1:\(links[0].port)", agentURI: "sip:dana@127.0.0.1:9")
                    let started = ContinuousClock.now
                    let log = try await placeCall(plan, on: pool)
                    let elapsed = ContinuousClock.now - started
                    let entries = await log.entries
                    #expect(await log.failureReason == "network-timeout", "progress: \(entries)")
                    // Timer B is 64·T1 = 32 s with the default T1 of 500 ms: the call gives up
                    // then, not at the handler's 30 s ring timeout (nothing to CANCEL without a
                    // provisional answer) and not never.
                    #expect(elapsed >= .seconds(30) && elapsed < .seconds(40), "gave up after \(elapsed)")
                    #expect(await pool.status().busy == 0)
                }
            }
            let link = try #require(stats[0], "the relay wrote no counters")
            // The INVITE and each of timer A's retransmissions (0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s) were lost.
            #expect(link.directions.toFar.sip.dropped >= 6, "\(link.droppedSipMessages)")
            #expect(link.directions.toFar.sip.forwarded == 0)
            #expect(link.directions.toNode.sip.received == 0, "the far end heard nothing, so said nothing")
        }
    }
}
