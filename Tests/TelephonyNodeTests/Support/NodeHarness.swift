import CallHandlers
import CartlineTestSupport
import Domain
import Engine
import EventLog
import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import Telephony
import TelephonyNode
import TelephonyTestSupport
import Testing

/// Telephony nodes of a test's own, in this process, on a test database.
enum NodeHarness {
    static var projectRoot: URL { TestDatabase.projectRoot }

    static func builtBinary(_ name: String) -> String {
        (try? BuiltProducts.executable(name)) ?? projectRoot.appendingPathComponent(".build/debug/\(name)").path
    }

    static func configuration(name: String, channels: Int = 4) -> TelephonyConfiguration {
        var configuration = TelephonyConfiguration(nodeName: name, maxChannels: channels,
                                                   handler: HandlerSpec(executable: builtBinary("cartline-call-handler")),
                                                   promptsDirectory: projectRoot.appendingPathComponent("Prompts"))
        var limits = HandlerLimits()
        limits.terminateGrace = .milliseconds(500)
        configuration.handlerLimits = limits
        configuration.mediaInactivityTimeout = .seconds(5)
        return configuration
    }

    /// Runs a node (in a service group of its own) for `body`, then shuts it down gracefully.
    static func withNode<T: Sendable>(_ log: EventLog, name: String, channels: Int = 4, sealingKey: SecretKey = SecretKey(),
                                      _ body: @Sendable (TelephonyNodeService) async throws -> T) async throws -> T {
        let pool = ChannelPool(configuration: configuration(name: name, channels: channels),
                               eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: TestDatabase.logger)
        let node = TelephonyNodeService(pool: pool, log: log, store: AggregateStore(log: log),
                                        vault: PersonalDataVault(log: log, sealingKey: sealingKey, sealingKeyID: "t1"),
                                        logger: TestDatabase.logger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: node)], logger: TestDatabase.logger))
        let running = Task { try await group.run() }
        let deadline = ContinuousClock.now + .seconds(20)
        do {
            while node.boundSIPPort == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            try #require(node.boundSIPPort != nil, "node \(name) never bound its SIP port")
            let result = try await body(node)
            await group.triggerGracefulShutdown()
            try await running.value
            return result
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            throw error
        }
    }

    /// Appends a call's intent, as accepting an offer does.
    static func requestCall(_ log: EventLog, destination: String, agentURI: String, mode: ContactPreferences.Mode = .voip,
                            shopperId: UUID = UUID()) async throws -> UUID {
        let callId = UUID()
        let call = CallRequested(callId: callId, offerId: nil, cartId: UUID(), shopperId: shopperId, merchantId: "test-shop", mode: mode,
                                 destination: destination, agentName: "Dana", agentSipUri: agentURI, at: Date())
        let event = try CallEvent.requested(call).encodedForLog().newEvent(id: UUID())
        _ = try await log.append(to: .call(callId), [event], expected: .noStream)
        return callId
    }

    /// The call's events once one of `types` is among them (bounded wait).
    static func waitForCall(_ log: EventLog, _ callId: UUID, until types: Set<String>, seconds: Int = 30) async throws -> [RecordedEvent] {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            let events = try await log.read(stream: .call(callId))
            if events.contains(where: { types.contains($0.type) }) { return events }
            try await Task.sleep(for: .milliseconds(50))
        }
        let events = try await log.read(stream: .call(callId))
        Issue.record("call \(callId) reached none of \(types) within \(seconds) s: \(events.map(\.type))")
        return events
    }
}
