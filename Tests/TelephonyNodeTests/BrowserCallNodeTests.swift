import CartlineTestSupport
import Domain
import Engine
import EventLog
import Foundation
import NIOPosix
import ServiceLifecycle
import Telephony
import TelephonyNode
import TelephonyTestSupport
import Testing

/// A browser-mode call from the log to the page: the node derives the page's gateway user
/// from `CallRequested` alone, as the web edge does when it mints the page's credentials;
/// the page (SIPp) registers with the password the engine minted, and the real registrar
/// accepts it, so both sides of the secret agree.
@Suite("Browser-mode calls placed by the node through the gateway registrar")
struct BrowserCallNodeTests {
    static let gatewaySecret = "node-test-gateway-secret-0123456789"
    static let nodePassword = "node-test-node-password-0123456789"

    @Test func theNodeCallsThePageTheWebEdgeMintedCredentialsForAndRecordsTheTabClosingAsCustomerHangup() async throws {
        let registrar = try await GatewayRegistrar.start(listenPort: FreePort.udp(), gatewaySecret: Self.gatewaySecret,
                                                         nodeUser: "cartline-node", nodePassword: Self.nodePassword)
        do {
            try await TestDatabase.with { db in
                try await db.withEventLog { log in
                    try await withPeers([
                        { try await SIPpPeer.start(scenario: .fixture("browser-page-hangs-up.xml"), timeout: .seconds(40),
                                                   extraArguments: ["-d", "3000", "-rtp_echo"]) },
                        { try await SIPpPeer.start(scenario: .builtIn("uas"), timeout: .seconds(40), extraArguments: ["-rtp_echo"]) },
                    ]) { peers in
                        let (page, agent) = (peers[0], peers[1])
                        // The intent, as accepting an offer in browser mode writes it.
                        let callId = UUID()
                        let now = Date()
                        let call = CallRequested(callId: callId, offerId: nil, cartId: UUID(), shopperId: UUID(), merchantId: "test-shop",
                                                 mode: .browser, destination: BrowserLeg.destination(callId: callId), agentName: "Dana",
                                                 agentSipUri: "sip:dana@127.0.0.1:\(agent.port)", at: now,
                                                 joinExpiresAtUnixSeconds: BrowserLeg.joinExpiry(requestedAt: now))
                        // What the page gets from POST /v1/calls/{callId}/voice.
                        let settings = try GatewaySettings(websocketURL: "ws://127.0.0.1:1", registrar: "127.0.0.1:\(registrar.port)",
                                                           gatewaySecret: Self.gatewaySecret, janusTokenSecret: "unused-token-secret-0123456789")
                        let user = try #require(call.browserSIPUser)
                        let credentials = BrowserVoiceCredentials(sipUser: user, joinExpiresAtUnixSeconds: try #require(call.joinExpiresAtUnixSeconds),
                                                                  settings: settings, now: now)
                        let (registered, output) = try await registrar.registerPage(user: credentials.sipUser, password: credentials.sipPassword,
                                                                                    contactPort: page.port)
                        #expect(registered, "\(output)\n\(registrar.log())")

                        var configuration = NodeHarness.configuration(name: "node-browser")
                        configuration.gateway = GatewayRegistrarConfiguration(host: "127.0.0.1", port: registrar.port,
                                                                              username: "cartline-node", password: Self.nodePassword)
                        try await Self.withNode(log, configuration: configuration) {
                            let event = try CallEvent.requested(call).encodedForLog().newEvent(id: UUID())
                            _ = try await log.append(to: .call(callId), [event], expected: .noStream)
                            let events = try await NodeHarness.waitForCall(log, callId, until: ["CallEnded", "CallFailed"], seconds: 40)
                            #expect(events.contains { $0.type == "CallAnswered" }, "\(events.map(\.type))\n\(registrar.log())")
                            let ended = try #require(events.last { $0.type == "CallEnded" }, "\(events.map(\.type))")
                            #expect(try ended.data.decode(as: CallEnded.self).cause == "customer-hangup")
                            #expect(registrar.log().contains("'\(user)' delivered to"), "\(registrar.log())")
                        }
                    }
                }
            }
            await registrar.stop()
        } catch {
            await registrar.stop()
            throw error
        }
    }

    @Test func theGatewayRegistrarIsReadFromTheEnvironmentWithTheNodesCredentials() throws {
        let handler = NodeHarness.builtBinary("cartline-call-handler")
        let directory = URL(fileURLWithPath: handler).deletingLastPathComponent()
        func configuration(_ extra: [String: String]) throws -> TelephonyConfiguration {
            try TelephonyNodeSettings.configuration(from: ["CARTLINE_CALL_HANDLER": handler].merging(extra) { $1 },
                                                    executableDirectory: directory, workingDirectory: directory)
        }
        #expect(try configuration([:]).gateway == nil)
        let gateway = try configuration(["CARTLINE_GATEWAY_REGISTRAR": "127.0.0.1:5070", "CARTLINE_GATEWAY_NODE_USER": "cartline-node",
                                         "CARTLINE_GATEWAY_NODE_PASSWORD": "secret"]).gateway
        #expect(gateway == GatewayRegistrarConfiguration(host: "127.0.0.1", port: 5070, username: "cartline-node", password: "secret"))
        #expect(throws: TelephonyNodeError.self) { try configuration(["CARTLINE_GATEWAY_REGISTRAR": "127.0.0.1:5070"]) }
        #expect(throws: TelephonyNodeError.self) {
            try configuration(["CARTLINE_GATEWAY_REGISTRAR": "127.0.0.1", "CARTLINE_GATEWAY_NODE_USER": "n", "CARTLINE_GATEWAY_NODE_PASSWORD": "p"])
        }
    }

    /// `NodeHarness.withNode` with a configuration of the test's own.
    static func withNode(_ log: EventLog, configuration: TelephonyConfiguration, _ body: @Sendable () async throws -> Void) async throws {
        let pool = ChannelPool(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: TestDatabase.logger)
        let node = TelephonyNodeService(pool: pool, log: log, store: AggregateStore(log: log),
                                        vault: PersonalDataVault(log: log, sealingKey: SecretKey(), sealingKeyID: "t1"), logger: TestDatabase.logger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: node)], logger: TestDatabase.logger))
        let running = Task { try await group.run() }
        do {
            let deadline = ContinuousClock.now + .seconds(20)
            while node.boundSIPPort == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            try #require(node.boundSIPPort != nil, "the node never bound its SIP port")
            try await body()
            await group.triggerGracefulShutdown()
            try await running.value
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            throw error
        }
    }
}
