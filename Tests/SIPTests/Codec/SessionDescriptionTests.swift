@testable import SIP
import Testing

@Suite("SDP offer and answer")
struct SessionDescriptionTests {
    @Test func theOfferNamesPCMUAndTelephoneEvents() {
        let offer = String(decoding: SessionDescription.offer(media: MediaAddress(host: "127.0.0.1", port: 40000), sessionID: 42), as: UTF8.self)
        #expect(offer == """
            v=0\r
            o=cartline 42 1 IN IP4 127.0.0.1\r
            s=Cartline\r
            c=IN IP4 127.0.0.1\r
            t=0 0\r
            m=audio 40000 RTP/AVP 0 101\r
            a=rtpmap:0 PCMU/8000\r
            a=rtpmap:101 telephone-event/8000\r
            a=fmtp:101 0-16\r
            a=ptime:20\r
            a=sendrecv\r

            """)
    }

    @Test func mediaLevelConnectionWinsOverSessionLevel() throws {
        let text = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 7000 RTP/AVP 8 0\r\nc=IN IP4 10.0.0.2\r\n"
        let answer = try SessionDescription.parseAnswer(Array(text.utf8))
        #expect(answer.media == MediaAddress(host: "10.0.0.2", port: 7000))
        #expect(answer.payloadTypes == [8, 0])
        #expect(!answer.acceptsTelephoneEvents)
        let sessionLevel = try SessionDescription.parseAnswer(Array("v=0\nc=IN IP4 10.0.0.1\nm=audio 7002 RTP/AVP 0\n".utf8))
        #expect(sessionLevel.media == MediaAddress(host: "10.0.0.1", port: 7002))
    }

    @Test(arguments: [
        ("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 0 RTP/AVP 0\r\n", SDPError.audioRejected),
        ("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 7000 RTP/AVP 8\r\n", .noPCMU),
        ("v=0\r\nc=IN IP4 1.2.3.4\r\nm=video 7000 RTP/AVP 96\r\n", .noAudioStream),
        ("v=0\r\nm=audio 7000 RTP/AVP 0\r\n", .noConnectionAddress),
        ("v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 70000 RTP/AVP 0\r\n", .invalidPort("70000")),
        ("v=0\r\nthis is not sdp\r\n", .invalidLine(2)),
        ("", .noAudioStream),
    ])
    func unusableAnswersAreErrors(text: String, expected: SDPError) {
        #expect(throws: expected) { try SessionDescription.parseAnswer(Array(text.utf8)) }
    }
}
