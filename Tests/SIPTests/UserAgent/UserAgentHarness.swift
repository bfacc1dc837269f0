import Logging
import NIOCore
import NIOPosix
@testable import SIP
import TelephonyTestSupport
import Testing

/// Records a leg's events as they come, so a test can wait for one without owning the stream.
actor LegRecorder {
    private(set) var events: [SIPLegEvent] = []

    init(_ leg: SIPLeg) {
        let stream = leg.events
        Task { await self.consume(stream) }
    }

    private func consume(_ stream: AsyncStream<SIPLegEvent>) async {
        for await event in stream { events.append(event) }
    }

    /// Waits until an event matching `predicate` has arrived (at most `timeout`), returns it.
    func waitFor(timeout: Duration = .seconds(10), _ predicate: @Sendable (SIPLegEvent) -> Bool) async -> SIPLegEvent? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let match = events.first(where: predicate) { return match }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return events.first(where: predicate)
    }

    func terminal(timeout: Duration = .seconds(10)) async -> SIPLegEvent? {
        await waitFor(timeout: timeout) { $0.isTerminal }
    }
}

enum Harness {
    static var logger: Logger {
        var logger = Logger(label: "cartline.sip.test")
        logger.logLevel = .info
        return logger
    }

    /// A started user agent on an ephemeral port; shut down by `body`'s caller through `withUserAgent`.
    static func withUserAgent<T>(t1: Duration = .milliseconds(500), _ body: (SIPUserAgent, Int) async throws -> T) async throws -> T {
        var configuration = SIPUserAgentConfiguration()
        configuration.t1 = t1
        configuration.shutdownGrace = .milliseconds(500)
        let agent = SIPUserAgent(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
        let port = try await agent.start()
        do {
            let result = try await body(agent, port)
            await agent.shutdown()
            return result
        } catch {
            await agent.shutdown()
            throw error
        }
    }

    /// Runs `body` with a SIPp peer that is stopped afterwards whatever happens.
    static func withPeer<T>(_ scenario: SIPpPeer.Scenario, extraArguments: [String] = [], _ body: (SIPpPeer) async throws -> T) async throws -> T {
        let peer = try await SIPpPeer.start(scenario: scenario, extraArguments: extraArguments)
        do {
            let result = try await body(peer)
            await peer.stop()
            #expect(!peer.isRunning)
            return result
        } catch {
            await peer.stop()
            throw error
        }
    }

    /// A call to the peer; with `throughProxy`, a carrier-style number routed via the peer as outbound proxy.
    static func call(
        _ peer: SIPpPeer, throughProxy: Bool = false, credentials: DigestCredentials? = nil, ringTimeout: Duration = .seconds(10)
    ) -> OutgoingCall {
        OutgoingCall(
            requestURI: throughProxy ? "sip:+493012345678@carrier.invalid;user=phone" : "sip:service@127.0.0.1:\(peer.port)",
            outboundProxy: throughProxy ? MediaAddress(host: "127.0.0.1", port: peer.port) : nil,
            fromUser: "cartline", fromDisplayName: "Cartline Test",
            credentials: credentials, localMedia: MediaAddress(host: "127.0.0.1", port: 40_000), ringTimeout: ringTimeout
        )
    }
}
