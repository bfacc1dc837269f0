import CartlineTestSupport
import Domain
import Engine
import EventLog
import Foundation
import TelephonyTestSupport
import Testing

/// Real `cartline serve --roles engine,telephony` processes: killed mid-call and restarted,
/// and driven by the real `cartline-ops`.
@Suite("Telephony node processes")
struct NodeProcessTests {
    @Test func aNodeKilledMidCallAndRestartedEndsThatCallAsNodeRestarted() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                try await withPeers([
                    { try await SIPpPeer.start(scenario: .builtIn("uas"), timeout: .seconds(60), extraArguments: ["-rtp_echo"]) },
                    { try await SIPpPeer.start(scenario: .builtIn("uas"), timeout: .seconds(60), extraArguments: ["-rtp_echo"]) },
                ]) { peers in
                    let (customer, agent) = (peers[0], peers[1])
                    let sealing = SecretKey().base64
                    let first = try NodeProcess(databaseURL: db.url, name: "node-restart", sealingKey: sealing)
                    #expect(try await first.waitStarted(), "\(first.log)")
                    let callId = try await NodeHarness.requestCall(log, destination: "sip:shopper@127.0.0.1:\(customer.port)",
                                                                   agentURI: "sip:dana@127.0.0.1:\(agent.port)")
                    _ = try await NodeHarness.waitForCall(log, callId, until: ["AgentBridged"])
                    // Let the projector record the claim before the node dies.
                    try await Task.sleep(for: .milliseconds(500))
                    first.killHard()
                    let second = try NodeProcess(databaseURL: db.url, name: "node-restart", sealingKey: sealing)
                    #expect(try await second.waitStarted(), "\(second.log)")
                    let events = try await NodeHarness.waitForCall(log, callId, until: ["CallFailed", "CallEnded"])
                    let failed = try #require(events.last { $0.type == "CallFailed" }, "\(events.map(\.type))").data.decode(as: CallFailed.self)
                    #expect(failed.reason == "node-restarted")
                    #expect(events.filter { $0.type == "CallFailed" || $0.type == "CallEnded" }.count == 1)
                    #expect(await second.stop() == 0, "\(second.log)")
                }
            }
        }
    }

    @Test func cartlineOpsShowsHangsUpDrainsAndResumesARunningNode() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                try await withPeers([
                    { try await SIPpPeer.start(scenario: .builtIn("uas"), timeout: .seconds(60), extraArguments: ["-rtp_echo"]) },
                    { try await SIPpPeer.start(scenario: .builtIn("uas"), timeout: .seconds(60), extraArguments: ["-rtp_echo"]) },
                ]) { peers in
                    let (customer, agent) = (peers[0], peers[1])
                    let node = try NodeProcess(databaseURL: db.url, name: "node-ops", sealingKey: SecretKey().base64)
                    #expect(try await node.waitStarted(), "\(node.log)")
                    let ops = ["--url", node.opsURL, "--token", NodeProcess.opsToken]
                    let callId = try await NodeHarness.requestCall(log, destination: "sip:shopper@127.0.0.1:\(customer.port)",
                                                                   agentURI: "sip:dana@127.0.0.1:\(agent.port)")
                    _ = try await NodeHarness.waitForCall(log, callId, until: ["AgentBridged"])

                    let status = try await OpsCommandLine.run(["status"] + ops)
                    #expect(status.status == 0, "\(status.stderr)")
                    #expect(status.stdout.contains("node-ops") && status.stdout.contains("busy"), "\(status.stdout)")
                    let calls = try await OpsCommandLine.run(["calls", "--json"] + ops)
                    #expect(calls.stdout.lowercased().contains(callId.uuidString.lowercased()), "\(calls.stdout)")

                    let hangup = try await OpsCommandLine.run(["hangup", callId.uuidString.lowercased()] + ops)
                    #expect(hangup.status == 0, "\(hangup.stderr)")
                    let events = try await NodeHarness.waitForCall(log, callId, until: ["CallEnded", "CallFailed"])
                    let ended = try #require(events.last).data.decode(as: CallEnded.self)
                    #expect(ended.cause == "ops-hangup")
                    #expect(ended.billableMilliseconds > 0)

                    let unknown = try await OpsCommandLine.run(["hangup", UUID().uuidString] + ops)
                    #expect(unknown.status == 4)
                    let drained = try await OpsCommandLine.run(["drain", "--json"] + ops)
                    #expect(drained.stdout.contains("draining"), "\(drained.stdout)")
                    let resumed = try await OpsCommandLine.run(["resume", "--json"] + ops)
                    #expect(resumed.stdout.contains("running"), "\(resumed.stdout)")
                    let wrongToken = try await OpsCommandLine.run(["status", "--url", node.opsURL, "--token", "not-the-token-at-all-0000"])
                    #expect(wrongToken.status == 3)
                    let badArguments = try await OpsCommandLine.run(["hangup"] + ops)
                    #expect(badArguments.status == 2)
                    #expect(await node.stop() == 0, "\(node.log)")
                }
            }
        }
    }
}
