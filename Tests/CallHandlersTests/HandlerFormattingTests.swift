import CallHandlers
import Testing

@Suite("Formatting replies, events and headers")
struct HandlerFormattingTests {
    @Test func repliesUseTheAGICodes() {
        #expect(HandlerReply.ok("answered").line == "200 result=answered")
        #expect(HandlerReply.ok("busy").line == "200 result=busy")
        #expect(HandlerReply.ok("0").line == "200 result=0")
        #expect(HandlerReply.ok("digits", data: "123").line == "200 result=digits (123)")
        #expect(HandlerReply.invalidCommand.line == "510 Invalid or unknown command")
        #expect(HandlerReply.channelGone.line == "511 Channel gone")
        #expect(HandlerReply.usage("DIAL <customer|agent> <timeoutMs>").line == "520 Invalid usage: DIAL <customer|agent> <timeoutMs>")
    }

    @Test func replyTextCannotBreakTheLine() {
        #expect(HandlerReply.ok("a b\nc").line == "200 result=a_b_c")
        #expect(HandlerReply.ok("x", data: "1)\n800 event=hangup").line == "200 result=x (1800 event=hangup)")
        #expect(HandlerReply.usage("bad\r\nline").line == "520 Invalid usage: badline")
        #expect(HandlerReply.usage(String(repeating: "é", count: 1000)).line.utf8.count <= 20 + HandlerReply.maxTextBytes)
    }

    @Test func eventsAre800LinesWithEscapedValues() {
        #expect(HandlerEvent.answered(leg: .customer).line == "800 event=answered leg=customer")
        #expect(HandlerEvent.hangup(leg: .customer, cause: "remote").line == "800 event=hangup leg=customer cause=remote")
        #expect(HandlerEvent.dtmf(digit: "5").line == "800 event=dtmf digit=5")
        #expect(HandlerEvent.creditExhausted.line == "800 event=credit-exhausted")
        let tricky = HandlerEvent(name: "note", fields: [.init("text", "a b=c%d\ne"), .init("who", "Zoë")])
        #expect(tricky.line == "800 event=note text=a%20b%3Dc%25de who=Zo%C3%AB")
        #expect(!tricky.line.contains("\n"))
        #expect(HandlerEvent(parsing: tricky.line) == HandlerEvent(name: "note", fields: [.init("text", "a b=c%de"), .init("who", "Zoë")]))
        #expect(HandlerEvent(parsing: "200 result=0") == nil)
        let huge = HandlerEvent(name: "big", fields: (0..<16).map { .init("k\($0)", String(repeating: "é", count: 300)) })
        #expect(huge.line.utf8.count <= 1024)
        #expect(HandlerEvent(parsing: huge.line)?.fields.count == 1)
    }

    @Test func theHeaderIsNameValueLinesEndingWithABlankLine() {
        let header = HandlerHeader(channel: 3, callID: "6F1C2D4E-0000-4000-8000-000000000001", mode: .voip,
                                   destination: "sip:shopper@example.com", agent: "Ada", agentURI: "sip:ada@agents.example",
                                   cartID: "cart-1", cartValue: "123.45 EUR", shopperName: "Zoë Martin")
        #expect(header.lines == [
            "protocol: 1", "channel: 3", "call-id: 6F1C2D4E-0000-4000-8000-000000000001", "mode: voip",
            "destination: sip:shopper@example.com", "agent: Ada", "agent-uri: sip:ada@agents.example",
            "cart-id: cart-1", "cart-value: 123.45 EUR", "shopper-name: Zoë Martin", "",
        ])
    }

    @Test func headerValuesAreSanitised() {
        var header = HandlerTestSupport.header()
        header.shopperName = "Eve\n\nprotocol: 2\r\u{7}"
        header.agent = String(repeating: "a", count: 5000)
        let lines = header.lines
        #expect(lines.count == 11)
        #expect(lines.contains("shopper-name: Eveprotocol: 2"))
        #expect(lines.allSatisfy { !$0.contains("\n") && !$0.contains("\r") && $0.utf8.count <= 300 })
        #expect(lines.last == "")
    }
}
