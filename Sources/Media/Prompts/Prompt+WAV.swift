extension Prompt {
    private static let formatPCM = 1
    private static let formatMuLaw = 7
    private static let formatExtensible = 0xFFFE
    /// A WAV has a handful of chunks; more is not a prompt.
    private static let maxChunkCount = 64

    /// Parses a RIFF/WAVE file: μ-law (format 7) or 16-bit PCM (format 1, converted), 8000 Hz, mono.
    public init(wav bytes: [UInt8]) throws(PromptError) {
        guard bytes.count <= Self.maxByteCount + 4096 else {
            throw .tooLarge(byteCount: bytes.count, maxByteCount: Self.maxByteCount)
        }
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8)
        else { throw .notWAV }

        var format: (tag: Int, channels: Int, rate: Int, bits: Int)?
        var offset = 12
        var chunks = 0
        while offset + 8 <= bytes.count, chunks < Self.maxChunkCount {
            chunks += 1
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = Self.uint32(bytes, offset + 4)
            let body = offset + 8
            let end = body + size
            if id == "fmt " {
                guard size >= 16, end <= bytes.count else { throw .truncated("fmt chunk") }
                var tag = Self.uint16(bytes, body)
                if tag == Self.formatExtensible, size >= 40 {
                    tag = Self.uint16(bytes, body + 24)  // first two bytes of the sub-format GUID
                }
                format = (tag, Self.uint16(bytes, body + 2), Self.uint32(bytes, body + 4), Self.uint16(bytes, body + 14))
            } else if id == "data" {
                guard let format else { throw .missingChunk("fmt ") }
                guard end <= bytes.count else { throw .truncated("data chunk of \(size) bytes") }
                let data = bytes[body..<end]
                guard format.channels == 1, format.rate == 8000 else {
                    throw .unsupportedFormat(formatTag: format.tag, channels: format.channels,
                                             sampleRateHertz: format.rate, bitsPerSample: format.bits)
                }
                switch (format.tag, format.bits) {
                case (Self.formatMuLaw, 8):
                    self.init(muLaw: Array(data))
                case (Self.formatPCM, 16):
                    var codes: [UInt8] = []
                    codes.reserveCapacity(data.count / 2)
                    var index = data.startIndex
                    while index + 1 < data.endIndex {
                        codes.append(MuLaw.encode(Int16(bitPattern: UInt16(data[index]) | UInt16(data[index + 1]) << 8)))
                        index += 2
                    }
                    self.init(muLaw: codes)
                default:
                    throw .unsupportedFormat(formatTag: format.tag, channels: format.channels,
                                             sampleRateHertz: format.rate, bitsPerSample: format.bits)
                }
                return
            }
            offset = end + (size & 1)  // chunks are padded to an even size
        }
        throw .missingChunk(format == nil ? "fmt " : "data")
    }

    private static func uint16(_ bytes: [UInt8], _ at: Int) -> Int {
        Int(bytes[at]) | Int(bytes[at + 1]) << 8
    }

    private static func uint32(_ bytes: [UInt8], _ at: Int) -> Int {
        Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
    }
}
