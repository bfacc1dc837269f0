@testable import SIP
import Testing

@Suite("Parser robustness")
struct SIPParserMutationTests {
    /// A small deterministic generator (SplitMix64) so every run sees the same inputs.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func mutatedFixturesOnlyEverGiveAMessageOrATypedError() {
        let fixtures = [SIPFixtures.invite, SIPFixtures.trying, SIPFixtures.ringing, SIPFixtures.ok,
                        SIPFixtures.proxyAuthenticationRequired, SIPFixtures.oddButLegal, SIPFixtures.rfc3261Torture]
        let interesting: [UInt8] = Array(" \t\r\n:;,<>\"\\=@/0".utf8) + [0, 0xff, 0xc3]
        var generator = SplitMix64(state: 0x5EED_CA27_11E0)
        var parsed = 0, rejected = 0
        for round in 0..<24_000 {
            var bytes = fixtures[round % fixtures.count]
            let mutations = Int.random(in: 1...6, using: &generator)
            for _ in 0..<mutations where !bytes.isEmpty {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<5, using: &generator) {
                case 0: bytes[position] ^= UInt8(1 << Int.random(in: 0..<8, using: &generator))
                case 1: bytes.insert(interesting.randomElement(using: &generator) ?? 0, at: position)
                case 2: bytes.remove(at: position)
                case 3: bytes.removeSubrange(position...)
                default: bytes[position] = interesting.randomElement(using: &generator) ?? 0
                }
            }
            do {
                let message = try SIPParser.parse(bytes)
                // Whatever parses must serialise and parse again.
                _ = try SIPParser.parse(SIPSerializer.serialize(message))
                parsed += 1
            } catch {
                rejected += 1
            }
        }
        #expect(parsed + rejected == 24_000)
        #expect(parsed > 1_000, "mutations should leave many messages parseable")
        #expect(rejected > 1_000, "mutations should break many messages")
    }
}
