import CartlineTestSupport
import Engine
import EventLog
import Foundation
import Telephony
import TelephonyNode
import Testing

/// The engagement saga's free channels come from the nodes that are alive (holding their
/// session lock), not from configuration.
@Suite("Channel capacity from live telephony nodes")
struct CapacityTests {
    @Test func freeChannelsFollowLiveNodesAndTheirCalls() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let projectors = ProjectorRunner(log: log, projections: ProjectionCatalog.live(), logger: TestDatabase.logger)
                let running = Task { try await projectors.run() }
                defer { running.cancel() }
                let capacity = TelephonyCapacity(log: log)
                #expect(await capacity.freeChannels() == 0, "no node runs")
                try await NodeHarness.withNode(log, name: "node-capacity", channels: 3) { node in
                    try await Self.eventually { await TelephonyCapacity(log: log).freeChannels() == 3 }
                    // A call waiting to be claimed (or claimed) takes a channel.
                    _ = try await NodeHarness.requestCall(log, destination: "sip:nobody@127.0.0.1:9", agentURI: "sip:nobody@127.0.0.1:9")
                    try await Self.eventually { await TelephonyCapacity(log: log).freeChannels() == 2 }
                    await node.opsControl.drain()
                    try await Self.eventually { await TelephonyCapacity(log: log).freeChannels() == 0 }
                    await node.opsControl.resume()
                    try await Self.eventually { await TelephonyCapacity(log: log).freeChannels() >= 2 }
                }
                // Stopped (its lock released): no capacity again.
                try await Self.eventually { await TelephonyCapacity(log: log).freeChannels() == 0 }
            }
        }
    }

    /// Waits (bounded) until `condition` holds; records an issue when it never does.
    static func eventually(seconds: Int = 15, _ condition: @Sendable () async -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("condition not met within \(seconds) s")
    }
}
