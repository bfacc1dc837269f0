import Foundation
@testable import SIP
import Testing

@Suite("Parsing SIP messages")
struct SIPParserTests {
    @Test func anInviteParsesIntoStartLineHeadersAndBody() throws {
        let message = try SIPParser.parse(SIPFixtures.invite)
        #expect(message.startLine == .request(method: "INVITE", uri: "sip:+493012345678@carrier.example;user=phone"))
        #expect(message.headers.first("call-id") == "a84b4c76e66710@192.0.2.10")
        #expect(message.cseq == SIPCSeq(number: 314159, method: "INVITE"))
        #expect(message.topVia?.branch == "z9hG4bK776asdhds")
        #expect(message.body.count == 138)
        #expect(String(decoding: message.body, as: UTF8.self).hasPrefix("v=0\r\n"))
        #expect(message.headers.entries.map(\.name).prefix(3) == ["Via", "Max-Forwards", "Route"])
    }

    @Test func provisionalAndFinalResponsesParse() throws {
        let trying = try SIPParser.parse(SIPFixtures.trying)
        #expect(trying.startLine == .response(status: 100, reason: "Trying"))
        #expect(trying.body.isEmpty)
        let ringing = try SIPParser.parse(SIPFixtures.ringing)
        #expect(ringing.statusCode == 180)
        #expect(try SIPNameAddress(parsing: #require(ringing.headers.first("To"))).tag == "a6c85cf")
        let ok = try SIPParser.parse(SIPFixtures.ok)
        #expect(ok.statusCode == 200)
        #expect(ok.headers.values("Record-Route") == ["<sip:edge2.carrier.example;lr>", "<sip:edge1.carrier.example;lr>"])
        let answer = try SessionDescription.parseAnswer(ok.body)
        #expect(answer.media == MediaAddress(host: "127.0.0.1", port: 6000))
        #expect(answer.payloadTypes == [0, 101])
        let via = try #require(ok.topVia)
        #expect(via.rport == .some(5060))
        #expect(via.received == "192.0.2.10")
    }

    @Test func aProxyChallengeParses() throws {
        let message = try SIPParser.parse(SIPFixtures.proxyAuthenticationRequired)
        #expect(message.statusCode == 407)
        let challenge = try DigestChallenge(parsing: #require(message.headers.first("proxy-authenticate")))
        #expect(challenge.realm == "carrier.example")
        #expect(challenge.nonce == "f84f1cec41e6cbe5aea9c8e88d359")
        #expect(challenge.qopOptions == ["auth", "auth-int"])
        #expect(challenge.opaque == "5ccc069c403ebaf9f0171e9517f40e41")
        #expect(challenge.algorithm == "MD5")
        #expect(!challenge.stale)
    }

    @Test func foldedCompactLowerCaseAndSpacedHeadersAreNormalised() throws {
        let message = try SIPParser.parse(SIPFixtures.oddButLegal)
        let vias = message.headers.values("Via")
        #expect(vias.count == 3)
        #expect(try vias.map { try SIPVia(parsing: $0).branch } == ["z9hG4bK721e4.1", "z9hG4bK721e3.1", "z9hG4bK776asdhds"])
        #expect(try SIPVia(parsing: vias[1]).host == "proxy1.example.com")
        #expect(message.headers.first("Subject") == "I know you're there, pick up the phone")
        #expect(message.headers.first("s") == "I know you're there, pick up the phone")
        #expect(message.callID == "3848276298220188511@atlanta.example.com")
        #expect(message.cseq == SIPCSeq(number: 1, method: "INVITE"))
        let from = try SIPNameAddress(parsing: #require(message.headers.first("From")))
        #expect(from.displayName == "Alice, the \"first\"")
        #expect(from.tag == "9fxced76sl")
        #expect(message.headers.first("Contact") == "<sip:bob@192.0.2.4>")
        #expect(message.headers.entries.map(\.name).contains("Content-Length"))
    }

    @Test func viaInSeveralLinesKeepsItsOrderAndAddrSpecFormsParse() throws {
        let message = try SIPParser.parse(SIPFixtures.rfc3261Torture)
        #expect(try message.headers.values("Via").map { try SIPVia(parsing: $0).transport } == ["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"])
        let to = try SIPNameAddress(parsing: #require(message.headers.first("To")))
        #expect(to.uri.user == "user" && to.displayName == nil)
        let from = try SIPNameAddress(parsing: #require(message.headers.first("From")))
        #expect(from.displayName == "caller" && from.tag == "323")
    }

    @Test func bareLineFeedsAndLeadingKeepAlivesAreAccepted() throws {
        let message = try SIPParser.parse(Array("\r\n\r\n".utf8) + SIPFixtures.bytes(String(decoding: SIPFixtures.trying, as: UTF8.self), lineEnding: "\n").filter { $0 != 13 })
        #expect(message.statusCode == 100)
    }

    @Test func missingContentLengthTakesTheRestOfTheDatagram() throws {
        var text = String(decoding: SIPFixtures.invite, as: UTF8.self)
        text = text.replacingOccurrences(of: "Content-Length: 138\r\n", with: "")
        let message = try SIPParser.parse(Array(text.utf8))
        #expect(message.body.count == 138)
    }

    @Test func bytesBeyondContentLengthAreDiscarded() throws {
        let message = try SIPParser.parse(SIPFixtures.invite + Array("garbage".utf8))
        #expect(message.body.count == 138)
    }

    @Test(arguments: [
        ("", SIPParseError.empty),
        ("\r\n\r\n", .empty),
        ("INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n", .unterminatedHeaders),
        ("HELLO\r\n\r\n", .invalidStartLine("HELLO")),
        ("SIP/3.0 200 OK\r\n\r\n", .unsupportedVersion("SIP/3.0")),
        ("SIP/2.0 2000 OK\r\n\r\n", .invalidStatusCode("2000")),
        ("SIP/2.0 099 Low\r\n\r\n", .invalidStatusCode("099")),
        ("SIP/2.0 abc OK\r\n\r\n", .invalidStatusCode("abc")),
        ("INV(TE sip:a@b SIP/2.0\r\n\r\n", .invalidMethod("INV(TE")),
        ("INVITE nothing SIP/2.0\r\n\r\n", .invalidRequestURI("nothing")),
        ("INVITE sip:a@b SIP/2.0\r\nVia SIP/2.0/UDP h\r\n\r\n", .invalidHeaderLine(line: 2)),
        ("INVITE sip:a@b SIP/2.0\r\nV(a: x\r\n\r\n", .invalidHeaderName(line: 2)),
        ("INVITE sip:a@b SIP/2.0\r\n folded: x\r\n\r\n", .continuationWithoutHeader(line: 2)),
        ("INVITE sip:a@b SIP/2.0\r\nVia: a\u{1}b\r\n\r\n", .invalidCharacter(line: 2)),
        ("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: x\r\n\r\n", .missingHeader("CSeq")),
        ("SIP/2.0 200 OK\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n", .missingHeader("Via")),
        ("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: x\r\nCSeq: one INVITE\r\n\r\n", .invalidCSeq("one INVITE")),
        ("BYE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n\r\n", .cseqMethodMismatch(requestMethod: "BYE", cseqMethod: "INVITE")),
        ("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: ten\r\n\r\n", .invalidContentLength("ten")),
        ("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 10\r\n\r\nshort", .bodyTruncated(declaredBytes: 10, availableBytes: 5)),
        ("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nl: 1\r\nContent-Length: 2\r\n\r\nab", .conflictingContentLength),
        ("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=\"z9hG4bK1\r\n\r\n", .unbalancedList(header: "Via")),
    ])
    func malformedInputIsASpecificError(input: String, expected: SIPParseError) {
        #expect(throws: expected) { try SIPParser.parse(Array(input.utf8)) }
    }

    @Test func nonUTF8HeaderBytesAreRejected() {
        let bytes = Array("SIP/2.0 200 OK\r\nVia: ".utf8) + [0xff, 0xfe] + Array("\r\n\r\n".utf8)
        #expect(throws: SIPParseError.invalidUTF8(line: 2)) { try SIPParser.parse(bytes) }
    }

    @Test func limitsOnSizeLineLengthAndHeaderCountHold() {
        let huge = [UInt8](repeating: UInt8(ascii: "a"), count: 70_000)
        #expect(throws: SIPParseError.messageTooLarge(bytes: 70_000, limitBytes: 65_536)) { try SIPParser.parse(huge) }
        let longLine = "SIP/2.0 200 OK\r\nSubject: " + String(repeating: "x", count: 9_000) + "\r\n\r\n"
        #expect(throws: SIPParseError.lineTooLong(line: 2, limitBytes: 8_192)) { try SIPParser.parse(Array(longLine.utf8)) }
        let manyHeaders = "SIP/2.0 200 OK\r\n" + String(repeating: "X-A: 1\r\n", count: 300) + "\r\n"
        #expect(throws: SIPParseError.tooManyHeaders(limit: 256)) { try SIPParser.parse(Array(manyHeaders.utf8)) }
    }

    @Test func serializingSetsContentLengthAndRoundTrips() throws {
        let ok = try SIPParser.parse(SIPFixtures.ok)
        var changed = ok
        changed.headers.set("Content-Length", "9999")
        let bytes = SIPSerializer.serialize(changed)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("SIP/2.0 200 OK\r\nVia: "))
        #expect(text.contains("\r\nContent-Length: \(ok.body.count)\r\n\r\n"))
        #expect(!text.contains("9999"))
        let reparsed = try SIPParser.parse(bytes)
        #expect(reparsed.startLine == ok.startLine)
        #expect(reparsed.body == ok.body)
        #expect(reparsed.headers.values("Record-Route") == ok.headers.values("Record-Route"))
        let empty = SIPSerializer.serialize(SIPMessage(startLine: .request(method: "OPTIONS", uri: "sip:a@b")))
        #expect(String(decoding: empty, as: UTF8.self) == "OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 0\r\n\r\n")
    }
}
