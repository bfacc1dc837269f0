// libFuzzer target for `SessionDescription.parseAnswer` (compiled with Sources/SIP/{Message,SDP}
// and MediaAddress by Tools/fuzz/run).
//
// Invariants on an accepted answer: the port is 1…65535, PCMU is among the payload types, and
// our own offer built for the answer's address reads back to the same address.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let answer: SessionDescription.Answer
    do { answer = try SessionDescription.parseAnswer(bytes) } catch { return 0 }

    guard (1...65_535).contains(answer.audioPort), answer.payloadTypes.contains(SessionDescription.pcmuPayloadType) else {
        fuzzInvariantFailed("accepted an unusable answer: \(answer)")
    }
    let offer = SessionDescription.offer(media: answer.media, sessionID: 1)
    do {
        let reread = try SessionDescription.parseAnswer(offer)
        guard reread.media == answer.media else {
            fuzzInvariantFailed("offer for \(answer.media) reads back as \(reread.media)")
        }
    } catch {
        fuzzInvariantFailed("offer for \(answer.media) does not parse: \(error)")
    }
    return 0
}

/// Reports a broken invariant as a crash, so libFuzzer saves the input as a reproducer.
func fuzzInvariantFailed(_ what: String) -> Never {
    fatalError("FUZZ INVARIANT BROKEN: \(what)")
}
