import CallHandlers
import Foundation
import Telephony
import TelephonyTestSupport
import Testing

/// Every kind of handler completes a real call, and every kind of broken handler ends its
/// call with a freed channel, no zombie, and a `handler-…` reason.
@Suite("Handlers of every kind on real calls")
struct HandlerCallTests {
    static var root: URL { BuiltProducts.projectRoot }

    /// One answered, bridged call with `handler`; the customer hangs up after a second.
    func completesACall(with handler: HandlerSpec) async throws {
        let prompts = try PoolHarness.shortPrompts()
        try await withPeers([
            { try await SIPpPeer.start(scenario: .fixture("uas-hangs-up.xml"), extraArguments: ["-d", "1500", "-rtp_echo"]) },
            { try await SIPpPeer.start(scenario: .builtIn("uas"), extraArguments: ["-rtp_echo"]) },
        ]) { peers in
            try await PoolHarness.withPool(PoolHarness.configuration(handler: handler, prompts: prompts)) { pool in
                let plan = PoolHarness.plan(destination: "sip:shopper@127.0.0.1:\(peers[0].port)", agentURI: "sip:dana@127.0.0.1:\(peers[1].port)")
                let log = try await placeCall(plan, on: pool)
                let entries = await log.entries
                #expect(entries.contains(.agentBridged), "\(entries)")
                #expect(await log.ending?.cause == "customer-hangup", "\(entries)")
                let status = await pool.status()
                #expect(status.busy == 0)
                #expect(status.lastExits.last?.status == "exited(0)", "\(status.lastExits)")
            }
        }
    }

    @Test func theShellSampleHandlerCompletesACall() async throws {
        try await completesACall(with: HandlerSpec(executable: Self.root.appendingPathComponent("Tools/handlers/sample-handler.sh").path))
    }

    @Test func thePythonSampleHandlerCompletesACall() async throws {
        try await completesACall(with: HandlerSpec(executable: Self.root.appendingPathComponent("Tools/handlers/sample_handler.py").path))
    }

    @Test func theCPluginCompletesACallInItsOwnHostProcess() async throws {
        let plugin = try BuiltProducts.samplePlugin()
        try await completesACall(with: HandlerSpec(executable: PoolHarness.builtBinary("cartline-plugin-host"), arguments: [plugin]))
    }

    /// A broken handler on a call whose customer would answer: the call fails with `reason`.
    func brokenHandlerFailsTheCall(_ script: String, reason: String) async throws {
        let prompts = try PoolHarness.shortPrompts()
        try await withPeers([{ try await SIPpPeer.start(scenario: .builtIn("uas"), extraArguments: ["-rtp_echo"]) }]) { peers in
            var configuration = PoolHarness.configuration(
                handler: HandlerSpec(executable: Fixtures.directory.appendingPathComponent("handlers/\(script)").path),
                prompts: prompts)
            configuration.handlerLimits.idleTimeout = .seconds(1)
            try await PoolHarness.withPool(configuration) { pool in
                let plan = PoolHarness.plan(destination: "sip:shopper@127.0.0.1:\(peers[0].port)", agentURI: "sip:dana@127.0.0.1:9")
                let log = try await placeCall(plan, on: pool)
                let entries = await log.entries
                #expect(await log.failureReason == reason, "\(entries)")
                let status = await pool.status()
                #expect(status.busy == 0)
                // The handler was reaped: its pid is gone.
                let pid = try #require(status.lastExits.last?.pid)
                #expect(kill(pid, 0) == -1 && errno == ESRCH, "handler \(pid) still exists")
            }
        }
    }

    @Test func aCrashingHandlerEndsItsCallAsHandlerCrashed() async throws {
        try await brokenHandlerFailsTheCall("crash.sh", reason: "handler-crashed")
    }

    @Test func aHangingHandlerIsKilledAndItsCallEndsAsHandlerHung() async throws {
        try await brokenHandlerFailsTheCall("hang.sh", reason: "handler-hung")
    }

    @Test func aHandlerFloodingGarbageEndsItsCallAsHandlerProtocol() async throws {
        try await brokenHandlerFailsTheCall("flood.sh", reason: "handler-protocol")
    }
}
