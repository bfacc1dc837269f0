import CallHandlers
import Foundation
import Telephony
import TelephonyTestSupport
import Testing

/// PSTN calls go to the carrier's SIP proxy (a real Kamailio that challenges with 407)
/// with the E.164 number in the Request-URI; the proxy relays to the "handset" (SIPp).
@Suite("PSTN calls through the carrier's proxy")
struct PSTNCallTests {
    static let handler = HandlerSpec(executable: PoolHarness.builtBinary("cartline-call-handler"))

    func withTrunk<T: Sendable>(password: String, _ body: @Sendable (TrunkConfiguration, SIPpPeer) async throws -> T) async throws -> T {
        try await withPeers([
            { try await SIPpPeer.start(scenario: .builtIn("uas"), timeout: .seconds(30), extraArguments: ["-rtp_echo"]) },
        ]) { peers in
            let handset = peers[0]
            let proxy = try await KamailioProxy.start(listenPort: FreePort.udp(), relayTo: ("127.0.0.1", handset.port),
                                                      realm: "trunk.cartline.test", username: "cartline", password: "right-password")
            do {
                let trunk = TrunkConfiguration(host: "127.0.0.1", port: proxy.port, domain: "trunk.cartline.test",
                                               username: "cartline", password: password)
                let result = try await body(trunk, handset)
                await proxy.stop()
                return result
            } catch {
                await proxy.stop()
                throw error
            }
        }
    }

    @Test func anAnsweredPSTNCallPassesTheProxysChallengeAndIsBridged() async throws {
        let prompts = try PoolHarness.shortPrompts()
        try await withTrunk(password: "right-password") { trunk, _ in
            try await withPeers([{ try await SIPpPeer.start(scenario: .builtIn("uas"), extraArguments: ["-rtp_echo"]) }]) { agents in
                try await PoolHarness.withPool(PoolHarness.configuration(handler: Self.handler, prompts: prompts, trunk: trunk)) { pool in
                    let plan = PoolHarness.plan(mode: .pstn, destination: "+4930123456", agentURI: "sip:dana@127.0.0.1:\(agents[0].port)")
                    let log = ProgressLog()
                    let channel = try #require(await pool.reserve(callId: plan.callId))
                    let call = Task { await pool.run(plan, on: channel) { await log.append($0) } }
                    // Once the agent is on, ops hang up; our BYE follows the proxy's route set.
                    let deadline = ContinuousClock.now + .seconds(15)
                    while await !log.entries.contains(.agentBridged), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
                    try await Task.sleep(for: .seconds(1))
                    #expect(await pool.hangUp(callId: plan.callId))
                    await call.value
                    let entries = await log.entries
                    #expect(entries.contains(.answered), "\(entries)")
                    let ending = try #require(await log.ending, "\(entries)")
                    #expect(ending.cause == "ops-hangup")
                    #expect(ending.billableMilliseconds >= 800)
                }
            }
        }
    }

    @Test func aWrongTrunkPasswordFailsTheCallAsAuthFailed() async throws {
        let prompts = try PoolHarness.shortPrompts()
        try await withTrunk(password: "wrong-password") { trunk, _ in
            try await PoolHarness.withPool(PoolHarness.configuration(handler: Self.handler, prompts: prompts, trunk: trunk)) { pool in
                let plan = PoolHarness.plan(mode: .pstn, destination: "+4930123456", agentURI: "sip:dana@127.0.0.1:9")
                let log = try await placeCall(plan, on: pool)
                let entries = await log.entries
                #expect(await log.failureReason == "auth-failed", "\(entries)")
            }
        }
    }

    @Test func aPSTNCallWithoutATrunkFailsClearly() async throws {
        let prompts = try PoolHarness.shortPrompts()
        try await PoolHarness.withPool(PoolHarness.configuration(handler: Self.handler, prompts: prompts)) { pool in
            let plan = PoolHarness.plan(mode: .pstn, destination: "+4930123456", agentURI: "sip:dana@127.0.0.1:9")
            let log = try await placeCall(plan, on: pool)
            let entries = await log.entries
            #expect(await log.failureReason == "unavailable", "\(entries)")
        }
    }
}
