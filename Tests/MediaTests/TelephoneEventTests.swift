import Media
import NIOCore
import Testing

@Suite("RFC 4733 telephone events")
struct TelephoneEventTests {
    @Test func parsesEventEndBitVolumeAndDuration() throws {
        let event = try TelephoneEvent(parsing: ByteBuffer(bytes: [0x0B, 0x8A, 0x03, 0x20]))
        #expect(event == TelephoneEvent(event: 11, isEnd: true, volume: 10, duration: 800))
        #expect(event.digit == "#")
        #expect(event.bytes == [0x0B, 0x8A, 0x03, 0x20])
    }

    @Test func mapsEventsZeroToFifteenToDigits() {
        let digits = (0...15).compactMap { TelephoneEvent(event: UInt8($0)).digit }
        #expect(String(digits) == "0123456789*#ABCD")
        #expect(TelephoneEvent(event: 16).digit == nil)
        #expect(TelephoneEvent(digit: "d")?.event == 15)
        #expect(TelephoneEvent(digit: "x") == nil)
    }

    @Test func rejectsShortPayloads() {
        #expect(throws: TelephoneEventParseError.tooShort(byteCount: 3)) {
            try TelephoneEvent(parsing: ByteBuffer(bytes: [1, 2, 3]))
        }
    }

    @Test func reportsADigitOncePerEventDespiteRepeatsAndTripleEnd() {
        var deduplicator = DTMFDeduplicator()
        var reported: [Character] = []
        // "5" then "5" again: two events, told apart by their timestamps.
        for timestamp: UInt32 in [1000, 5000] {
            for duration: UInt16 in [160, 320, 480] {
                if let digit = deduplicator.digit(for: TelephoneEvent(event: 5, duration: duration), ssrc: 7, timestamp: timestamp) {
                    reported.append(digit)
                }
            }
            for _ in 0..<3 {
                if let digit = deduplicator.digit(for: TelephoneEvent(event: 5, isEnd: true, duration: 640), ssrc: 7, timestamp: timestamp) {
                    reported.append(digit)
                }
            }
        }
        #expect(reported == ["5", "5"])
    }
}
