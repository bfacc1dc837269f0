import CallHandlers
import Foundation
import Telephony
import TelephonyTestSupport
import Testing

/// The customer leg of a browser-mode call goes to the page's gateway user through the real
/// gateway registrar (Tools/janus/registrar.cfg): the node answers its 407 with its own
/// credentials, is told 480 "Not Joined" until the page has registered, and tries again.
/// The "page" is SIPp: one SIPp REGISTERs the call's user with the minted password (digest,
/// as Janus's SIP plugin does), naming a second SIPp (the UAS that answers) as its contact.
@Suite("Browser legs through the gateway registrar")
struct BrowserLegTests {
    static let handler = HandlerSpec(executable: PoolHarness.builtBinary("cartline-call-handler"))
    static let gatewaySecret = "test-gateway-secret-0123456789abcdef"
    static let nodeUser = "cartline-node"
    static let nodePassword = "test-node-password-0123456789"

    /// The call's gateway user and its minted password (`hex(SHA-256(secret ":" user))`).
    static func credentials(callId: UUID) throws -> (user: String, password: String) {
        let user = callId.uuidString.lowercased().replacingOccurrences(of: "-", with: "") + ".\(Int(Date().timeIntervalSince1970) + 120)"
        return (user, try password(for: user))
    }

    /// Runs `body` with a registrar of the test's own and the configuration of a pool that dials through it.
    func withRegistrar(_ body: @Sendable (GatewayRegistrar, TelephonyConfiguration) async throws -> Void) async throws {
        let registrar = try await GatewayRegistrar.start(listenPort: FreePort.udp(), gatewaySecret: Self.gatewaySecret,
                                                         nodeUser: Self.nodeUser, nodePassword: Self.nodePassword)
        do {
            var configuration = PoolHarness.configuration(handler: Self.handler, prompts: try PoolHarness.shortPrompts())
            configuration.gateway = GatewayRegistrarConfiguration(host: "127.0.0.1", port: registrar.port,
                                                                  username: Self.nodeUser, password: Self.nodePassword)
            configuration.browserRetryPause = .milliseconds(300)
            try await body(registrar, configuration)
            await registrar.stop()
        } catch {
            await registrar.stop()
            throw error
        }
    }

    @Test func theLegWaitsForThePageToJoinThenReachesItThroughTheRegistrarAndEndsWhenThePageHangsUp() async throws {
        try await withRegistrar { registrar, configuration in
            try await withPeers([
                { try await SIPpPeer.start(scenario: .fixture("browser-page-hangs-up.xml"), timeout: .seconds(30), extraArguments: ["-d", "2500", "-rtp_echo"]) },
                { try await SIPpPeer.start(scenario: .builtIn("uas"), timeout: .seconds(30), extraArguments: ["-rtp_echo"]) },
            ]) { peers in
                let (browser, agent) = (peers[0], peers[1])
                try await PoolHarness.withPool(configuration) { pool in
                    var plan = PoolHarness.plan(mode: .browser, destination: "", agentURI: "sip:dana@127.0.0.1:\(agent.port)")
                    let (user, password) = try Self.credentials(callId: plan.callId)
                    plan.destination = user
                    let log = ProgressLog()
                    let channel = try #require(await pool.reserve(callId: plan.callId))
                    let call = Task { await pool.run(plan, on: channel) { await log.append($0) } }
                    // The page is not there yet: the registrar answers 480 (after the node passed its 407).
                    let notJoined = ContinuousClock.now + .seconds(5)
                    while !registrar.log().contains("is not registered, 480"), ContinuousClock.now < notJoined {
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    #expect(registrar.log().contains("'\(user)' is not registered, 480"), "\(registrar.log())")
                    try await Task.sleep(for: .milliseconds(700))  // a retry or two more
                    let (registered, output) = try await registrar.registerPage(user: user, password: password, contactPort: browser.port)
                    #expect(registered, "\(output)\n\(registrar.log())")
                    await call.value
                    let entries = await log.entries
                    #expect(entries.contains(.answered), "\(entries)\n\(registrar.log())")
                    let log480 = registrar.log().components(separatedBy: "is not registered, 480").count - 1
                    #expect(log480 >= 2, "retried while the page had not joined: \(log480)")
                    #expect(registrar.log().contains("'\(user)' delivered to sip:\(user)@127.0.0.1:\(browser.port)"), "\(registrar.log())")
                    let ending = try #require(await log.ending, "\(entries)")
                    #expect(ending.cause == "customer-hangup", "\(ending)\n\(browser.output)")
                    #expect(ending.answeredMilliseconds >= 2_000)
                }
            }
        }
    }

    /// The agent console's leg: the customer (a SIP phone here) answers first, then the agent
    /// leg goes to the console's own gateway user, which is told 480 until the console has
    /// registered, and the two legs are bridged once it has.
    @Test func anAgentWhoAnswersInTheConsoleIsDialledThroughTheRegistrarOnceTheConsoleJoins() async throws {
        try await withRegistrar { registrar, configuration in
            try await withPeers([
                { try await SIPpPeer.start(scenario: .builtIn("uas"), timeout: .seconds(30), extraArguments: ["-rtp_echo"]) },
                { try await SIPpPeer.start(scenario: .fixture("browser-page-hangs-up.xml"), timeout: .seconds(30), extraArguments: ["-d", "1500", "-rtp_echo"]) },
            ]) { peers in
                let (customer, console) = (peers[0], peers[1])
                try await PoolHarness.withPool(configuration) { pool in
                    var plan = PoolHarness.plan(mode: .voip, destination: "sip:ann@127.0.0.1:\(customer.port)", agentURI: "")
                    let (customerUser, _) = try Self.credentials(callId: plan.callId)
                    let agentUser = "agent" + customerUser
                    plan.agentURI = agentUser
                    #expect(plan.agentInBrowser && !plan.legInBrowser(.customer) && plan.legInBrowser(.agent))
                    let log = ProgressLog()
                    let channel = try #require(await pool.reserve(callId: plan.callId))
                    let call = Task { await pool.run(plan, on: channel) { await log.append($0) } }
                    let notJoined = ContinuousClock.now + .seconds(10)
                    while !registrar.log().contains("'\(agentUser)' is not registered, 480"), ContinuousClock.now < notJoined {
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    #expect(registrar.log().contains("'\(agentUser)' is not registered, 480"), "\(registrar.log())")
                    #expect(await log.entries.contains(.answered), "the customer answered before the agent leg was dialled")
                    let (registered, output) = try await registrar.registerPage(user: agentUser, password: try Self.password(for: agentUser),
                                                                                contactPort: console.port)
                    #expect(registered, "\(output)\n\(registrar.log())")
                    await call.value
                    let entries = await log.entries
                    #expect(entries.contains(.agentBridged), "\(entries)\n\(registrar.log())")
                    #expect(registrar.log().contains("'\(agentUser)' delivered to sip:\(agentUser)@127.0.0.1:\(console.port)"), "\(registrar.log())")
                    let ending = try #require(await log.ending, "\(entries)")
                    #expect(ending.cause == "agent-hangup", "\(ending)\n\(console.output)")
                }
            }
        }
    }

    @Test func aBusyPageFailsTheLegAtOnceWithoutRetrying() async throws {
        try await withRegistrar { registrar, configuration in
            try await withPeers([{ try await SIPpPeer.start(scenario: .fixture("uas-busy.xml"), timeout: .seconds(30)) }]) { peers in
                try await PoolHarness.withPool(configuration) { pool in
                    var plan = PoolHarness.plan(mode: .browser, destination: "", agentURI: "sip:dana@127.0.0.1:9")
                    let (user, password) = try Self.credentials(callId: plan.callId)
                    plan.destination = user
                    let (registered, output) = try await registrar.registerPage(user: user, password: password, contactPort: peers[0].port)
                    #expect(registered, "\(output)\n\(registrar.log())")
                    let started = ContinuousClock.now
                    let log = try await placeCall(plan, on: pool)
                    let entries = await log.entries
                    #expect(await log.failureReason == "busy", "\(entries)\n\(registrar.log())")
                    #expect(ContinuousClock.now - started < .seconds(10))
                    #expect(registrar.log().components(separatedBy: "delivered to").count - 1 == 1, "\(registrar.log())")
                }
            }
        }
    }

    @Test func aWrongNodePasswordOrNoGatewayFailsTheLegClearly() async throws {
        try await withRegistrar { _, configuration in
            var wrong = configuration
            wrong.gateway?.password = "not-the-node-password"
            try await PoolHarness.withPool(wrong) { pool in
                let plan = PoolHarness.plan(mode: .browser, destination: try Self.credentials(callId: UUID()).user, agentURI: "sip:dana@127.0.0.1:9")
                #expect(await (try placeCall(plan, on: pool)).failureReason == "auth-failed")
            }
            var none = configuration
            none.gateway = nil
            try await PoolHarness.withPool(none) { pool in
                let plan = PoolHarness.plan(mode: .browser, destination: try Self.credentials(callId: UUID()).user, agentURI: "sip:dana@127.0.0.1:9")
                #expect(await (try placeCall(plan, on: pool)).failureReason == "unavailable")
            }
        }
    }

    @Test func oneCallsCredentialsOpenNoOtherCallAndServeOnePageOnly() async throws {
        try await withRegistrar { registrar, _ in
            let (userA, passwordA) = try Self.credentials(callId: UUID())
            let (userB, _) = try Self.credentials(callId: UUID())
            // A stranger who saw call A's password cannot register call B's user with it.
            let stolen = try await registrar.registerPage(user: userB, password: passwordA, contactPort: FreePort.udp())
            #expect(!stolen.registered, "call A's password opened call B: \(stolen.output)\n\(registrar.log())")
            // The page of call A registers; a second page with the same credentials is refused.
            let first = try await registrar.registerPage(user: userA, password: passwordA, contactPort: FreePort.udp())
            #expect(first.registered, "\(first.output)\n\(registrar.log())")
            let second = try await registrar.registerPage(user: userA, password: passwordA, contactPort: FreePort.udp())
            #expect(!second.registered, "the same credentials served a second page: \(second.output)\n\(registrar.log())")
            // Credentials whose join deadline has passed are refused.
            let expiredUser = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "") + ".\(Int(Date().timeIntervalSince1970) - 5)"
            let expired = try await registrar.registerPage(user: expiredUser, password: try Self.password(for: expiredUser), contactPort: FreePort.udp())
            #expect(!expired.registered, "expired credentials registered: \(expired.output)\n\(registrar.log())")
        }
    }

    /// The minted password of any `user` (`hex(SHA-256(secret ":" user))`).
    static func password(for user: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", "import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())", "\(gatewaySecret):\(user)"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
