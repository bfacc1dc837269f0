import Foundation
import NIOCore
import NIOPosix
@testable import SIP
import TelephonyTestSupport
import Testing

/// Every test here talks to a real SIPp process on free ports (see TelephonySupport/SIPpPeer).
@Suite("SIP user agent against SIPp", .timeLimit(.minutes(1)))
struct SIPUserAgentTests {
    @Test func anAnsweredCallEndsWithOurByeAndSIPpSucceeds() async throws {
        try await Harness.withPeer(.builtIn("uas")) { peer in
            try await Harness.withUserAgent { agent, _ in
                let leg = try await agent.invite(Harness.call(peer))
                let recorder = LegRecorder(leg)
                let answered = await recorder.waitFor { if case .answered = $0 { true } else { false } }
                #expect(answered == .answered(remoteMedia: MediaAddress(host: "127.0.0.1", port: peer.mediaPort)))
                #expect(leg.remoteMedia == MediaAddress(host: "127.0.0.1", port: peer.mediaPort))
                #expect(agent.liveLegCount == 1)
                await leg.hangUp()
                await leg.hangUp()  // idempotent
                #expect(await recorder.terminal() == .ended(SIPHangup(by: .local, status: 200)))
                #expect(await recorder.events == [.provisional(status: 180), answered!, .ended(SIPHangup(by: .local, status: 200))])
                #expect(agent.liveLegCount == 0)
                let exit = await peer.waitForExit(timeout: .seconds(10))
                #expect(exit == 0, "\(peer.output)")
            }
        }
    }

    @Test func aByeFromTheFarEndIsAnsweredAndEndsTheLegAsRemote() async throws {
        try await Harness.withPeer(.fixture("sip-remote-hangup.xml")) { peer in
            try await Harness.withUserAgent { agent, _ in
                let leg = try await agent.invite(Harness.call(peer))
                let recorder = LegRecorder(leg)
                #expect(await recorder.terminal() == .ended(SIPHangup(by: .remote, status: nil)))
                #expect(await recorder.events.contains { if case .answered = $0 { true } else { false } })
                #expect(agent.liveLegCount == 0)
                let exit = await peer.waitForExit(timeout: .seconds(10))
                #expect(exit == 0, "\(peer.output)")
            }
        }
    }

    @Test(arguments: [
        (486, "Busy Here", SIPFailureReason.busy),
        (603, "Decline", .declined),
        (404, "Not Found", .notFound),
        (503, "Service Unavailable", .unavailable),
    ])
    func aRejectionBecomesItsOutcomeAndIsAcknowledged(status: Int, reason: String, expected: SIPFailureReason) async throws {
        try await Harness.withPeer(.fixture("sip-reject-\(status).xml")) { peer in
            try await Harness.withUserAgent { agent, _ in
                let leg = try await agent.invite(Harness.call(peer))
                let recorder = LegRecorder(leg)
                #expect(await recorder.terminal() == .failed(SIPCallFailure(reason: expected, status: status)))
                // SIPp only finishes the scenario when our ACK arrived.
                let exit = await peer.waitForExit(timeout: .seconds(10))
                #expect(exit == 0, "\(peer.output)")
            }
        }
    }

    @Test func theRingTimeoutCancelsAndReportsNoAnswer() async throws {
        try await Harness.withPeer(.fixture("sip-ring-no-answer.xml")) { peer in
            try await Harness.withUserAgent { agent, _ in
                let leg = try await agent.invite(Harness.call(peer, ringTimeout: .milliseconds(800)))
                let recorder = LegRecorder(leg)
                #expect(await recorder.terminal() == .failed(SIPCallFailure(reason: .noAnswer, status: 487)))
                #expect(await recorder.events.first == .provisional(status: 180))
                let exit = await peer.waitForExit(timeout: .seconds(10))
                #expect(exit == 0, "\(peer.output)")
            }
        }
    }

    @Test func hangingUpWhileRingingCancelsTheCall() async throws {
        try await Harness.withPeer(.fixture("sip-ring-no-answer.xml")) { peer in
            try await Harness.withUserAgent { agent, _ in
                let leg = try await agent.invite(Harness.call(peer, ringTimeout: .seconds(30)))
                let recorder = LegRecorder(leg)
                #expect(await recorder.waitFor { $0 == .provisional(status: 180) } != nil)
                await leg.hangUp()
                #expect(await recorder.terminal() == .failed(SIPCallFailure(reason: .cancelled, status: 487)))
                let exit = await peer.waitForExit(timeout: .seconds(10))
                #expect(exit == 0, "\(peer.output)")
            }
        }
    }

    @Test(arguments: ["sip-www-auth.xml", "sip-proxy-auth.xml"])
    func theRightCredentialsAnswerAChallenge(scenario: String) async throws {
        try await Harness.withPeer(.fixture(scenario)) { peer in
            try await Harness.withUserAgent { agent, _ in
                let credentials = DigestCredentials(username: "cartline", password: "s3cret")
                let leg = try await agent.invite(Harness.call(peer, throughProxy: scenario == "sip-proxy-auth.xml", credentials: credentials))
                let recorder = LegRecorder(leg)
                let answered = await recorder.waitFor { $0.isTerminal || { if case .answered = $0 { true } else { false } }($0) }
                #expect(answered == .answered(remoteMedia: MediaAddress(host: "127.0.0.1", port: peer.mediaPort)), "\(peer.output)")
                await leg.hangUp()
                #expect(await recorder.terminal() == .ended(SIPHangup(by: .local, status: 200)))
                let exit = await peer.waitForExit(timeout: .seconds(10))
                #expect(exit == 0, "\(peer.output)")
            }
        }
    }

    @Test func aWrongPasswordIsChallengedAgainAndEndsInAuthenticationFailed() async throws {
        try await Harness.withPeer(.fixture("sip-www-auth.xml")) { peer in
            try await Harness.withUserAgent { agent, _ in
                let credentials = DigestCredentials(username: "cartline", password: "wrong")
                let leg = try await agent.invite(Harness.call(peer, credentials: credentials))
                let recorder = LegRecorder(leg)
                #expect(await recorder.terminal() == .failed(SIPCallFailure(reason: .authenticationFailed, status: 401)))
                let exit = await peer.waitForExit(timeout: .seconds(10))
                #expect(exit == 0, "\(peer.output)")
            }
        }
    }

    @Test func aChallengeWithoutCredentialsIsAuthenticationFailed() async throws {
        try await Harness.withPeer(.fixture("sip-proxy-auth.xml")) { peer in
            try await Harness.withUserAgent { agent, _ in
                let leg = try await agent.invite(Harness.call(peer, throughProxy: true))
                let recorder = LegRecorder(leg)
                #expect(await recorder.terminal() == .failed(SIPCallFailure(reason: .authenticationFailed, status: 407)))
            }
        }
    }

    @Test func anAnswerWithoutPCMUIsAcknowledgedHungUpAndReportedAsBadAnswer() async throws {
        try await Harness.withPeer(.fixture("sip-bad-answer.xml")) { peer in
            try await Harness.withUserAgent { agent, _ in
                let leg = try await agent.invite(Harness.call(peer))
                let recorder = LegRecorder(leg)
                #expect(await recorder.terminal() == .failed(SIPCallFailure(reason: .badAnswer, status: 200)))
                let exit = await peer.waitForExit(timeout: .seconds(10))
                #expect(exit == 0, "\(peer.output)")
            }
        }
    }

    @Test func shutdownCancelsRingingLegsAndClosesTheSocket() async throws {
        try await Harness.withPeer(.fixture("sip-ring-no-answer.xml")) { peer in
            var configuration = SIPUserAgentConfiguration()
            configuration.shutdownGrace = .seconds(3)
            let agent = SIPUserAgent(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: Harness.logger)
            _ = try await agent.start()
            let leg = try await agent.invite(Harness.call(peer, ringTimeout: .seconds(30)))
            let recorder = LegRecorder(leg)
            #expect(await recorder.waitFor { $0 == .provisional(status: 180) } != nil)
            await agent.shutdown()
            #expect(await recorder.terminal() == .failed(SIPCallFailure(reason: .cancelled, status: 487)))
            #expect(agent.liveLegCount == 0)
            await #expect(throws: SIPError.shutDown) { try await agent.invite(Harness.call(peer)) }
            let exit = await peer.waitForExit(timeout: .seconds(10))
            #expect(exit == 0, "\(peer.output)")
        }
    }

    @Test func anUnreachablePeerTimesOutAfterTimerB() async throws {
        try await Harness.withUserAgent(t1: .milliseconds(50)) { agent, _ in
            let silentPort = FreePort.udp()
            let call = OutgoingCall(
                requestURI: "sip:nobody@127.0.0.1:\(silentPort)", fromUser: "cartline",
                localMedia: MediaAddress(host: "127.0.0.1", port: 40_000), ringTimeout: .seconds(30)
            )
            let started = ContinuousClock.now
            let leg = try await agent.invite(call)
            let recorder = LegRecorder(leg)
            #expect(await recorder.terminal(timeout: .seconds(10)) == .failed(SIPCallFailure(reason: .networkTimeout, status: nil)))
            let elapsed = ContinuousClock.now - started
            #expect(elapsed >= .milliseconds(3_100) && elapsed < .seconds(6), "timer B is 64·T1 = 3.2 s, took \(elapsed)")
            #expect(agent.liveLegCount == 0)
        }
    }

    @Test func aSpoofedByeGets481AndTheLegStaysUp() async throws {
        try await Harness.withPeer(.builtIn("uas")) { peer in
            try await Harness.withUserAgent { agent, agentPort in
                let leg = try await agent.invite(Harness.call(peer))
                let recorder = LegRecorder(leg)
                #expect(await recorder.waitFor { if case .answered = $0 { true } else { false } } != nil)

                let spoofer = try await UDPProbe.start()
                let bye = """
                    BYE sip:cartline@127.0.0.1:\(agentPort) SIP/2.0\r
                    Via: SIP/2.0/UDP 127.0.0.1:\(spoofer.port);branch=z9hG4bKspoof1\r
                    From: <sip:service@127.0.0.1:\(peer.port)>;tag=attacker\r
                    To: <sip:service@127.0.0.1:\(peer.port)>;tag=not-ours\r
                    Call-ID: \(leg.callID)\r
                    CSeq: 99 BYE\r
                    Content-Length: 0\r
                    \r

                    """
                let reply = try await spoofer.exchange(Array(bye.utf8), with: agentPort)
                let response = try SIPParser.parse(reply)
                #expect(response.statusCode == 481)
                #expect(response.topVia?.branch == "z9hG4bKspoof1")
                // Garbage and stray responses are dropped without harm.
                try await spoofer.send(Array("not sip at all".utf8), to: agentPort)
                try await spoofer.send(SIPFixtures.ok, to: agentPort)
                try await Task.sleep(for: .milliseconds(200))
                #expect(agent.liveLegCount == 1)
                #expect(await recorder.events.allSatisfy { !$0.isTerminal })
                await spoofer.close()

                await leg.hangUp()
                #expect(await recorder.terminal() == .ended(SIPHangup(by: .local, status: 200)))
                let exit = await peer.waitForExit(timeout: .seconds(10))
                #expect(exit == 0, "\(peer.output)")
            }
        }
    }

    /// Issue 14: a BYE with the live dialog's Call-ID and both tags (what anyone on the path
    /// sees) from another host is refused; the call goes on.
    @Test func aByeWithTheDialogsIdentifiersFromAnotherHostIsRefusedAndTheLegStaysUp() async throws {
        try await Harness.withPeer(.builtIn("uas")) { peer in
            try await Harness.withUserAgent { agent, agentPort in
                let leg = try await agent.invite(Harness.call(peer))
                let recorder = LegRecorder(leg)
                #expect(await recorder.waitFor { if case .answered = $0 { true } else { false } } != nil)
                let tags = try #require(leg.dialogTags)

                let spoofer = try await UDPProbe.start(host: "127.0.0.2")
                let bye = """
                    BYE sip:cartline@127.0.0.1:\(agentPort) SIP/2.0\r
                    Via: SIP/2.0/UDP 127.0.0.2:\(spoofer.port);branch=z9hG4bKspoof2\r
                    From: <sip:service@127.0.0.1:\(peer.port)>;tag=\(tags.remote)\r
                    To: <sip:cartline@127.0.0.1>;tag=\(tags.local)\r
                    Call-ID: \(leg.callID)\r
                    CSeq: 99 BYE\r
                    Content-Length: 0\r
                    \r

                    """
                let response = try SIPParser.parse(try await spoofer.exchange(Array(bye.utf8), with: agentPort))
                #expect(response.statusCode == 403)
                try await Task.sleep(for: .milliseconds(200))
                #expect(agent.liveLegCount == 1)
                #expect(await recorder.events.allSatisfy { !$0.isTerminal })
                await spoofer.close()

                await leg.hangUp()
                #expect(await recorder.terminal() == .ended(SIPHangup(by: .local, status: 200)))
                #expect(await peer.waitForExit(timeout: .seconds(10)) == 0, "\(peer.output)")
            }
        }
    }

    /// Issue 14: INVITEs from an unknown source (the node takes no incoming calls), thousands
    /// of them, are refused without harm to a live call.
    @Test func anInviteFloodFromAnUnknownSourceLeavesALiveCallUnharmed() async throws {
        try await Harness.withPeer(.builtIn("uas")) { peer in
            try await Harness.withUserAgent { agent, agentPort in
                let leg = try await agent.invite(Harness.call(peer))
                let recorder = LegRecorder(leg)
                #expect(await recorder.waitFor { if case .answered = $0 { true } else { false } } != nil)
                let flooder = try await UDPProbe.start(host: "127.0.0.2")
                for number in 0..<3_000 {
                    let invite = """
                        INVITE sip:cartline@127.0.0.1:\(agentPort) SIP/2.0\r
                        Via: SIP/2.0/UDP 127.0.0.2:\(flooder.port);branch=z9hG4bKflood\(number)\r
                        From: <sip:flood@127.0.0.2>;tag=f\(number)\r
                        To: <sip:cartline@127.0.0.1>\r
                        Call-ID: flood-\(number)@127.0.0.2\r
                        CSeq: 1 INVITE\r
                        Content-Length: 0\r
                        \r

                        """
                    try await flooder.send(Array(invite.utf8), to: agentPort)
                }
                try await Task.sleep(for: .milliseconds(500))
                #expect(agent.liveLegCount == 1, "the flood left the live call alone and opened nothing")
                #expect(await recorder.events.allSatisfy { !$0.isTerminal })
                await flooder.close()
                await leg.hangUp()
                #expect(await recorder.terminal() == .ended(SIPHangup(by: .local, status: 200)))
                #expect(await peer.waitForExit(timeout: .seconds(10)) == 0, "\(peer.output)")
            }
        }
    }

    @Test func invalidRequestsAreRefusedBeforeAnythingIsSent() async throws {
        try await Harness.withUserAgent { agent, _ in
            let bad = OutgoingCall(requestURI: "tel:+4930", fromUser: "x", localMedia: MediaAddress(host: "127.0.0.1", port: 4000), ringTimeout: .seconds(1))
            await #expect(throws: SIPError.self) { try await agent.invite(bad) }
            #expect(agent.liveLegCount == 0)
        }
        let unstarted = SIPUserAgent(configuration: SIPUserAgentConfiguration(), eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: Harness.logger)
        let call = OutgoingCall(requestURI: "sip:a@127.0.0.1:5999", fromUser: "x", localMedia: MediaAddress(host: "127.0.0.1", port: 4000), ringTimeout: .seconds(1))
        await #expect(throws: SIPError.notStarted) { try await unstarted.invite(call) }
    }
}

/// A plain UDP socket for crafting datagrams to the user agent (not a SIP peer: it only
/// sends fixed bytes and reads one reply).
final class UDPProbe: Sendable {
    let channel: any Channel
    let replies: AsyncStream<[UInt8]>
    let port: Int

    private init(channel: any Channel, replies: AsyncStream<[UInt8]>) {
        self.channel = channel
        self.replies = replies
        self.port = channel.localAddress?.port ?? 0
    }

    static func start(host: String = "127.0.0.1") async throws -> UDPProbe {
        let (stream, continuation) = AsyncStream.makeStream(of: [UInt8].self, bufferingPolicy: .bufferingNewest(16))
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(continuation: continuation))
                }
            }
            .bind(host: host, port: 0).get()
        return UDPProbe(channel: channel, replies: stream)
    }

    func send(_ bytes: [UInt8], to port: Int) async throws {
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        try await channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: channel.allocator.buffer(bytes: bytes)))
    }

    func exchange(_ bytes: [UInt8], with port: Int) async throws -> [UInt8] {
        try await send(bytes, to: port)
        let replies = self.replies
        return try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
            group.addTask { for await reply in replies { return reply }; return nil }
            group.addTask { try await Task.sleep(for: .seconds(3)); return nil }
            let first = try await group.next() ?? nil
            group.cancelAll()
            guard let first else { throw CancellationError() }
            return first
        }
    }

    func close() async { try? await channel.close() }

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let continuation: AsyncStream<[UInt8]>.Continuation
        init(continuation: AsyncStream<[UInt8]>.Continuation) { self.continuation = continuation }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            continuation.yield(Array(unwrapInboundIn(data).data.readableBytesView))
        }
    }
}
