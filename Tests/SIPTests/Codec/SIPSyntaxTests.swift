@testable import SIP
import Testing

@Suite("URIs, name-addrs, Via and CSeq")
struct SIPSyntaxTests {
    @Test func uriPartsParseAndFormatBack() throws {
        let phone = try SIPURI(parsing: "sip:+493012345678@carrier.example;user=phone")
        #expect(phone.scheme == .sip && phone.user == "+493012345678" && phone.host == "carrier.example" && phone.port == nil)
        #expect(phone.parameters == [SIPParameter("user", "phone")])
        #expect(phone.description == "sip:+493012345678@carrier.example;user=phone")
        let proxy = try SIPURI(parsing: "SIPS:edge.example:5061;lr;transport=tls?subject=hi")
        #expect(proxy.scheme == .sips && proxy.user == nil && proxy.port == 5061 && proxy.isLooseRouter)
        #expect(proxy.headers == "subject=hi")
        #expect(proxy.description == "sips:edge.example:5061;lr;transport=tls?subject=hi")
        let v6 = try SIPURI(parsing: "sip:alice:secret@[2001:db8::1]:5070")
        #expect(v6.host == "2001:db8::1" && v6.port == 5070 && v6.password == "secret")
        #expect(v6.description == "sip:alice:secret@[2001:db8::1]:5070")
    }

    @Test(arguments: ["tel:+4930", "sip:", "sip:alice@", "sip:host:99999", "sip:host:0", "sip:ho st", "sip:[::1", "sip:a@b;=x", "nothing"])
    func badURIsAreErrors(text: String) {
        #expect(throws: SIPSyntaxError.self) { try SIPURI(parsing: text) }
    }

    @Test func nameAddressesInEveryFormParse() throws {
        let quoted = try SIPNameAddress(parsing: #""Shop \"Berlin\"" <sip:cartline@192.0.2.10;transport=udp>;tag=abc;x"#)
        #expect(quoted.displayName == #"Shop "Berlin""#)
        #expect(quoted.uri.parameters == [SIPParameter("transport", "udp")])
        #expect(quoted.tag == "abc")
        #expect(quoted.parameters.has("x"))
        #expect(quoted.description == #""Shop \"Berlin\"" <sip:cartline@192.0.2.10;transport=udp>;tag=abc;x"#)
        let token = try SIPNameAddress(parsing: "Bob <sip:bob@example.com>")
        #expect(token.displayName == "Bob" && token.tag == nil)
        let bare = try SIPNameAddress(parsing: "sip:carol@example.com;tag=77")
        #expect(bare.displayName == nil && bare.uri.parameters.isEmpty && bare.tag == "77")
        let route = try SIPNameAddress(parsing: "<sip:edge1.carrier.example;lr>")
        #expect(route.uri.isLooseRouter)
    }

    @Test(arguments: [#""unclosed <sip:a@b>"#, "<sip:a@b", "\"x\" sip:a@b", "<sip:a@b>junk", ""])
    func badNameAddressesAreErrors(text: String) {
        #expect(throws: SIPSyntaxError.self) { try SIPNameAddress(parsing: text) }
    }

    @Test func viaParsesSentByAndParameters() throws {
        let via = try SIPVia(parsing: "SIP / 2.0 / udp 192.0.2.10:5062 ;branch=z9hG4bKabc;received=203.0.113.9;rport=40000")
        #expect(via.transport == "UDP" && via.host == "192.0.2.10" && via.port == 5062)
        #expect(via.branch == "z9hG4bKabc" && via.received == "203.0.113.9" && via.rport == .some(40000))
        let request = try SIPVia(parsing: "SIP/2.0/UDP [::1];branch=z9hG4bKx;rport")
        #expect(request.host == "::1" && request.rport == .some(nil))
        #expect(request.description == "SIP/2.0/UDP [::1];branch=z9hG4bKx;rport")
        #expect(throws: SIPSyntaxError.self) { try SIPVia(parsing: "SIP/2.0/UDP") }
        #expect(throws: SIPSyntaxError.self) { try SIPVia(parsing: "HTTP/1.1/TCP host") }
    }

    @Test func cseqParsesNumberAndMethod() throws {
        #expect(try SIPCSeq(parsing: " 4711   BYE ") == SIPCSeq(number: 4711, method: "BYE"))
        #expect(throws: SIPSyntaxError.self) { try SIPCSeq(parsing: "4294967296 INVITE") }
        #expect(throws: SIPSyntaxError.self) { try SIPCSeq(parsing: "1") }
    }
}
