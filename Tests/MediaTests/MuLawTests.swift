import Media
import Testing

@Suite("G.711 μ-law")
struct MuLawTests {
    @Test func encodeOfDecodeRoundTripsEveryByteValue() {
        for code in UInt8.min...UInt8.max {
            // 0x7F is negative zero: it decodes to 0 like 0xFF, which encode prefers.
            let expected: UInt8 = code == 0x7F ? 0xFF : code
            #expect(MuLaw.encode(MuLaw.decode(code)) == expected, "code \(code)")
        }
    }

    @Test func silenceIsFF() {
        #expect(MuLaw.silence == 0xFF)
        #expect(MuLaw.encode(0) == 0xFF)
        #expect(MuLaw.decode(0xFF) == 0)
    }

    @Test func decodesTheExtremesOfTheStandardTable() {
        #expect(MuLaw.decode(0x00) == -32124)
        #expect(MuLaw.decode(0x80) == 32124)
        #expect(MuLaw.decode(0xFE) == 8)
        #expect(MuLaw.decode(0x7E) == -8)
    }

    @Test func clipsAndPreservesSignAndOrder() {
        #expect(MuLaw.encode(Int16.max) == 0x80)
        #expect(MuLaw.encode(Int16.min) == 0x00)
        // Decoding is monotonic over the positive codes 0xFF...0x80.
        let positives = (0x80...0xFF).reversed().map { MuLaw.decode(UInt8($0)) }
        #expect(positives == positives.sorted())
    }
}
