import CallHandlers
import Foundation
import Telephony
import TelephonyTestSupport
import Testing

@Suite("Many calls at once on one node")
struct ConcurrentCallTests {
    @Test func fiftyConcurrentCallsAllCompleteAndThePoolReturnsToIdle() async throws {
        let calls = 50
        let prompts = try PoolHarness.shortPrompts()
        try await withPeers([
            { try await SIPpPeer.start(scenario: .fixture("uas-hangs-up.xml"), calls: calls, timeout: .seconds(60), extraArguments: ["-d", "2000", "-rtp_echo"]) },
            { try await SIPpPeer.start(scenario: .builtIn("uas"), calls: calls, timeout: .seconds(60), extraArguments: ["-rtp_echo"]) },
        ]) { peers in
            let handler = HandlerSpec(executable: PoolHarness.builtBinary("cartline-call-handler"))
            try await PoolHarness.withPool(PoolHarness.configuration(handler: handler, channels: calls, prompts: prompts)) { pool in
                let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<calls {
                        group.addTask {
                            let plan = PoolHarness.plan(destination: "sip:shopper@127.0.0.1:\(peers[0].port)", agentURI: "sip:dana@127.0.0.1:\(peers[1].port)")
                            let log = try await placeCall(plan, on: pool)
                            let reason = await log.failureReason ?? "?"
                            return await log.ending?.cause ?? "failed: \(reason)"
                        }
                    }
                    var all: [String] = []
                    for try await outcome in group { all.append(outcome) }
                    return all
                }
                #expect(outcomes.filter { $0 == "customer-hangup" }.count == calls, "\(Dictionary(grouping: outcomes, by: { $0 }).mapValues(\.count))")
                let status = await pool.status()
                #expect(status.busy == 0 && status.free == calls)
                #expect(await pool.liveCalls().isEmpty)
            }
        }
    }
}
