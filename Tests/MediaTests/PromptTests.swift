import Foundation
import Media
import Testing

@Suite("Prompts")
struct PromptTests {
    static let promptsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Prompts")

    /// A RIFF/WAVE file with one `fmt ` chunk (16 bytes) and one `data` chunk.
    static func wav(format: UInt16, channels: UInt16 = 1, rate: UInt32 = 8000, bits: UInt16, data: [UInt8],
                    extraChunk: [UInt8] = []) -> [UInt8] {
        func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
        func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
        let blockAlign = channels * bits / 8
        let fmt = le16(format) + le16(channels) + le32(rate) + le32(rate * UInt32(blockAlign)) + le16(blockAlign) + le16(bits)
        let body = Array("WAVE".utf8) + Array("fmt ".utf8) + le32(16) + fmt + extraChunk
            + Array("data".utf8) + le32(UInt32(data.count)) + data
        return Array("RIFF".utf8) + le32(UInt32(body.count)) + body
    }

    @Test(arguments: ["greeting", "connecting", "agent-whisper", "goodbye", "no-agent"])
    func projectPromptsLoadAsShortMuLawAudio(name: String) throws {
        let path = Self.promptsDirectory.appendingPathComponent("\(name).wav").path
        let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size < 100 * 1024)
        let prompt = try Prompt(contentsOfFile: path)
        #expect(prompt.duration > .milliseconds(800))
        #expect(prompt.duration < .seconds(10))
        #expect(prompt.muLaw.contains { $0 != MuLaw.silence && $0 != 0x7F })  // speech, not silence
    }

    @Test func loadsMuLawWAVSkippingOtherChunks() throws {
        let fact = Array("fact".utf8) + [4, 0, 0, 0, 3, 0, 0, 0]
        let odd = Array("LIST".utf8) + [1, 0, 0, 0, 0x41, 0]  // odd size, padded to even
        let prompt = try Prompt(wav: Self.wav(format: 7, bits: 8, data: [1, 2, 3], extraChunk: fact + odd))
        #expect(prompt.muLaw == [1, 2, 3])
    }

    @Test func converts16BitPCMToMuLaw() throws {
        let samples: [Int16] = [0, 1000, -1000, Int16.max, Int16.min]
        let data = samples.flatMap { sample -> [UInt8] in
            let bits = UInt16(bitPattern: sample)
            return [UInt8(bits & 0xFF), UInt8(bits >> 8)]
        }
        let prompt = try Prompt(wav: Self.wav(format: 1, bits: 16, data: data))
        #expect(prompt.muLaw == samples.map(MuLaw.encode))
        #expect(prompt.muLaw.first == MuLaw.silence)
    }

    @Test func rejectsWhatIsNotEightKilohertzMonoMuLawOrPCM() {
        #expect(throws: PromptError.unsupportedFormat(formatTag: 7, channels: 2, sampleRateHertz: 8000, bitsPerSample: 8)) {
            try Prompt(wav: Self.wav(format: 7, channels: 2, bits: 8, data: [1, 2]))
        }
        #expect(throws: PromptError.unsupportedFormat(formatTag: 1, channels: 1, sampleRateHertz: 16000, bitsPerSample: 16)) {
            try Prompt(wav: Self.wav(format: 1, rate: 16000, bits: 16, data: [1, 2]))
        }
        #expect(throws: PromptError.unsupportedFormat(formatTag: 1, channels: 1, sampleRateHertz: 8000, bitsPerSample: 8)) {
            try Prompt(wav: Self.wav(format: 1, bits: 8, data: [1, 2]))
        }
        #expect(throws: PromptError.unsupportedFormat(formatTag: 6, channels: 1, sampleRateHertz: 8000, bitsPerSample: 8)) {
            try Prompt(wav: Self.wav(format: 6, bits: 8, data: [1, 2]))  // A-law
        }
    }

    @Test func rejectsBrokenFiles() {
        #expect(throws: PromptError.notWAV) { try Prompt(wav: Array("ID3 not a wave file".utf8)) }
        #expect(throws: PromptError.notWAV) { try Prompt(wav: []) }
        let whole = Self.wav(format: 7, bits: 8, data: [UInt8](repeating: 0xFF, count: 100))
        #expect(throws: PromptError.truncated("data chunk of 100 bytes")) { try Prompt(wav: Array(whole.dropLast(10))) }
        let noData = Array(whole.prefix(36))
        #expect(throws: PromptError.missingChunk("data")) { try Prompt(wav: noData) }
    }

    @Test func boundsTheSize() {
        let huge = [UInt8](repeating: 0xFF, count: Prompt.maxByteCount + 10_000)
        #expect(throws: PromptError.tooLarge(byteCount: huge.count, maxByteCount: Prompt.maxByteCount)) {
            try Prompt(wav: huge)
        }
        #expect(Prompt(muLaw: huge).muLaw.count == Prompt.maxByteCount)
    }

    @Test func loadsRawMuLawFilesAndRejectsOtherNames() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prompt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let raw = directory.appendingPathComponent("beep.ul")
        try Data([0x10, 0x20, 0x30]).write(to: raw)
        #expect(try Prompt(contentsOfFile: raw.path).muLaw == [0x10, 0x20, 0x30])
        #expect(throws: PromptError.unsupportedFileType("/tmp/x.mp3")) { try Prompt(contentsOfFile: "/tmp/x.mp3") }
        #expect(throws: (any Error).self) { try Prompt(contentsOfFile: directory.appendingPathComponent("missing.wav").path) }
    }

    @Test func silenceIsEightBytesOfFFPerMillisecond() {
        let silence = Prompt.silence(milliseconds: 50)
        #expect(silence.muLaw == [UInt8](repeating: 0xFF, count: 400))
        #expect(silence.duration == .milliseconds(50))
        #expect(silence.frameCount == 3)
        #expect(Prompt.silence(milliseconds: -5).muLaw.isEmpty)
    }
}
