import Logging
import Media
import NIOPosix
import TelephonyTestSupport
import Testing

@Suite("Media against SIPp's RTP echo")
struct SIPpEchoTests {
    @Test func sippEchoesAPromptPacketForPacket() async throws {
        // SIPp's -rtp_echo socket echoes whatever reaches its media port, even before any call.
        let sipp = try await SIPpPeer.start(scenario: .builtIn("uas"), timeout: .seconds(15), extraArguments: ["-rtp_echo"])
        let engine = MediaEngine(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "media-sipp"))
        do {
            try await engine.start()
            let leg = try await engine.openLeg()
            leg.connect(to: RTPAddress(host: "127.0.0.1", port: sipp.mediaPort))
            // SIPp binds its media port just after its SIP port: wait for the first echo.
            var echoing = false
            for _ in 0..<50 where !echoing {
                _ = await leg.play(.silence(milliseconds: 20))
                echoing = await eventually(timeout: .milliseconds(100)) { leg.statistics().packetsReceived > 0 }
            }
            try #require(echoing, "SIPp did not echo RTP: \(sipp.output)")
            let before = leg.statistics()
            let prompt = Prompt.silence(milliseconds: 500)
            #expect(await leg.play(prompt) == .completed)
            #expect(await eventually { leg.statistics().packetsReceived - before.packetsReceived == prompt.frameCount })
            let after = leg.statistics()
            #expect(after.packetsSent - before.packetsSent == 25)
            #expect(after.packetsReceived - before.packetsReceived == 25)
            #expect(after.bytesReceived - before.bytesReceived == 25 * 172)
            #expect(after.packetsDropped == 0)
        } catch {
            await engine.shutdown()
            await sipp.stop()
            throw error
        }
        await engine.shutdown()
        await sipp.stop()
    }
}
