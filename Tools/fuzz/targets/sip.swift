// libFuzzer target for `SIPParser` (compiled with Sources/SIP/{Message,Syntax,SDP} by Tools/fuzz/run).
//
// Besides "no trap on any input", it checks an invariant: a message the parser accepts, once
// serialized by `SIPSerializer`, parses again to the same message. The serializer always writes
// its own Content-Length (the body's size, last), so Content-Length entries are left out of the
// comparison; everything else (start line, header order and values, body) must be equal.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let message: SIPMessage
    do { message = try SIPParser.parse(bytes) } catch { return 0 }

    // The serializer always adds a Content-Length line, so a message that already fills the
    // header limit without one cannot come back within the limit; that case is left out.
    var withoutLength = message.headers
    withoutLength.remove("Content-Length")
    guard withoutLength.count < SIPParser.Limits().maxHeaders else { return 0 }

    let wire = SIPSerializer.serialize(message)
    let again: SIPMessage
    do {
        again = try SIPParser.parse(wire)
    } catch {
        fuzzInvariantFailed("the serialized form of a parsed message does not parse: \(error)\n\(String(decoding: wire, as: UTF8.self))")
    }
    var actual = again.headers
    actual.remove("Content-Length")
    guard again.startLine == message.startLine, actual == withoutLength, again.body == message.body else {
        fuzzInvariantFailed("round trip changed the message:\n\(message)\n---\n\(again)")
    }
    guard again.headers.first("Content-Length") == String(message.body.count) else {
        fuzzInvariantFailed("serialized Content-Length does not match the body of \(message.body.count) bytes")
    }
    return 0
}

/// Reports a broken invariant as a crash, so libFuzzer saves the input as a reproducer.
func fuzzInvariantFailed(_ what: String) -> Never {
    fatalError("FUZZ INVARIANT BROKEN: \(what)")
}
