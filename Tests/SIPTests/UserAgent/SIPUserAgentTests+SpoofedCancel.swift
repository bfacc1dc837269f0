import Foundation
@testable import SIP
import TelephonyTestSupport
import Testing

/// Issue 14: a CANCEL is for a server INVITE transaction, and the node only places calls: a
/// CANCEL carrying a live call's identifiers (which anyone on the path sees) must be refused
/// (481, RFC 3261 §9.2) and leave the call talking until it ends as it would have.
extension SIPUserAgentTests {
    @Test func aSpoofedCancelForALiveCallGets481AndTheCallEndsNormally() async throws {
        // The far end talks 4 s, then hangs up itself: the call's normal outcome is a remote BYE.
        try await Harness.withPeer(.fixture("uas-hangs-up.xml"), extraArguments: ["-d", "4000"]) { peer in
            try await Harness.withUserAgent { agent, agentPort in
                let leg = try await agent.invite(Harness.call(peer))
                let recorder = LegRecorder(leg)
                #expect(await recorder.waitFor { if case .answered = $0 { true } else { false } } != nil)
                let tags = try #require(leg.dialogTags)

                // From the far end's own host (another port) and from another host; with both
                // dialog tags, and as a real CANCEL of an INVITE would be (no To tag).
                let senders: [(host: String, toTag: String?)] = [("127.0.0.1", tags.local), ("127.0.0.2", tags.local), ("127.0.0.1", nil)]
                for (number, sender) in senders.enumerated() {
                    let spoofer = try await UDPProbe.start(host: sender.host)
                    let cancel = """
                        CANCEL sip:cartline@127.0.0.1:\(agentPort) SIP/2.0\r
                        Via: SIP/2.0/UDP \(sender.host):\(spoofer.port);branch=z9hG4bKcancel\(number)\r
                        Max-Forwards: 70\r
                        From: <sip:service@127.0.0.1:\(peer.port)>;tag=\(tags.remote)\r
                        To: <sip:cartline@127.0.0.1>\(sender.toTag.map { ";tag=\($0)" } ?? "")\r
                        Call-ID: \(leg.callID)\r
                        CSeq: 1 CANCEL\r
                        Content-Length: 0\r
                        \r

                        """
                    let response = try SIPParser.parse(try await spoofer.exchange(Array(cancel.utf8), with: agentPort))
                    #expect(response.statusCode == 481, "a CANCEL from \(sender.host), To tag \(sender.toTag ?? "none")")
                    #expect(response.topVia?.branch == "z9hG4bKcancel\(number)")
                    #expect(response.headers.first("CSeq") == "1 CANCEL")
                    #expect(response.callID == leg.callID)
                    await spoofer.close()
                }

                // Garbage, and CANCELs with the live call's identifiers but a broken header: no
                // crash, no effect (a refusal at most, never a success).
                let dialog = "Call-ID: \(leg.callID)\r\nFrom: <sip:service@127.0.0.1>;tag=\(tags.remote)\r\nTo: <sip:cartline@127.0.0.1>;tag=\(tags.local)\r\n"
                let via = "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKbroken\r\n"
                let broken: [[UInt8]] = [
                    (0..<512).map { _ in UInt8.random(in: 0...255) },
                    Array("CANCEL garbage\r\n\r\n".utf8),
                    Array("CANCEL sip:cartline@127.0.0.1 SIP/2.0\r\n\(via)\(dialog)CSeq: banana CANCEL\r\nContent-Length: 0\r\n\r\n".utf8),
                    Array("CANCEL sip:cartline@127.0.0.1 SIP/2.0\r\n\(via)Call-ID: \(leg.callID)\r\nFrom: <<<sip:;tag=\r\nTo: ;tag=\(tags.local)\r\nCSeq: 1 CANCEL\r\n\r\n".utf8),
                    Array("CANCEL sip:cartline@127.0.0.1 SIP/2.0\r\n\(via)\(dialog)CSeq: 1 CANCEL\r\nContent-Length: 99999\r\n\r\n".utf8),
                    Array("CANCEL sip:cartline@127.0.0.1 SIP/2.0\r\n\(via)\(dialog)a header line without its colon\r\nCSeq: 1 CANCEL\r\n\r\n".utf8),
                    Array("CANCEL sip:cartline@127.0.0.1 SIP/2.0\r\nVia: \r\n\(dialog)CSeq: 1 CANCEL\r\n\r\n".utf8),
                ]
                let prober = try await UDPProbe.start()
                for datagram in broken { try await prober.send(datagram, to: agentPort) }
                for reply in await prober.replies(within: .milliseconds(500)) {
                    let status = (try? SIPParser.parse(reply))?.statusCode ?? 0
                    #expect(status >= 400, "a broken CANCEL was answered \(status)")
                }
                await prober.close()

                #expect(agent.liveLegCount == 1, "the call is still up")
                #expect(await recorder.events.allSatisfy { !$0.isTerminal })
                // …and ends as it would have: the far end hangs up after talking.
                #expect(await recorder.terminal() == .ended(SIPHangup(by: .remote, status: nil)))
                #expect(agent.liveLegCount == 0)
                #expect(await peer.waitForExit(timeout: .seconds(10)) == 0, "\(peer.output)")
            }
        }
    }
}

extension UDPProbe {
    /// Every reply that arrives within `window` (for datagrams that may get none).
    func replies(within window: Duration) async -> [[UInt8]] {
        let replies = self.replies
        return await withTaskGroup(of: [[UInt8]]?.self) { group in
            group.addTask {
                var all: [[UInt8]] = []
                for await reply in replies { all.append(reply) }  // ends when cancelled
                return all
            }
            group.addTask {
                try? await Task.sleep(for: window)
                return nil
            }
            var collected: [[UInt8]] = []
            while let result = await group.next() {
                if let result { collected = result } else { group.cancelAll() }
            }
            return collected
        }
    }
}
