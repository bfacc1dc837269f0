@testable import SIP
import Testing

/// Inputs Tools/fuzz/run found; each must stay a typed error (or a correct result), never a
/// broken invariant again.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    /// libFuzzer (sdp target, 2026-11-26): a `c=` line whose "address" was only tabs was
    /// accepted as the host, and our own offer for that host did not parse back.
    @Test func aTabOnlyFieldIsNoField() {
        let text = "v=0\r\nc=IN \t IP4\r\nm=audio 7000 RTP/AVP 0\r\n"
        #expect(throws: SDPError.invalidLine(2)) { try SessionDescription.parseAnswer(Array(text.utf8)) }
    }

    @Test func theFuzzerReproducerReadsTheHostAfterTheTabs() throws {
        let text = "v=/AVP 96\r\nc=IN IP600 " + String(repeating: " ", count: 60) + String(repeating: "\t", count: 13)
            + "   12:d b@8\r\nm=audio 49/2 RTP/AV@ 8 0 1011 teAl"
        let answer = try SessionDescription.parseAnswer(Array(text.utf8))
        #expect(answer.media == MediaAddress(host: "12:d", port: 49))
        let reread = try SessionDescription.parseAnswer(SessionDescription.offer(media: answer.media, sessionID: 1))
        #expect(reread.media == answer.media)
    }

    @Test func tabsSeparateConnectionAndMediaFields() throws {
        let text = "v=0\r\nc=IN\tIP4\t10.0.0.7\r\nm=audio\t7000\tRTP/AVP\t0\r\n"
        let answer = try SessionDescription.parseAnswer(Array(text.utf8))
        #expect(answer.media == MediaAddress(host: "10.0.0.7", port: 7000))
        #expect(answer.payloadTypes == [0])
    }
}
