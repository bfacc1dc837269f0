/// Why audio could not be loaded as a prompt.
public enum PromptError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The file or data is larger than the prompt limit.
    case tooLarge(byteCount: Int, maxByteCount: Int)
    /// The data is not a RIFF/WAVE file.
    case notWAV
    /// A chunk or field runs past the end of the data.
    case truncated(String)
    /// The WAV has no `fmt ` or no `data` chunk.
    case missingChunk(String)
    /// The WAV's encoding is not μ-law or 16-bit PCM, 8000 Hz, mono.
    case unsupportedFormat(formatTag: Int, channels: Int, sampleRateHertz: Int, bitsPerSample: Int)
    /// The file name ends in something other than `.wav` or `.ul`.
    case unsupportedFileType(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read prompt \(path): \(reason)"
        case .tooLarge(let count, let max): "prompt of \(count) bytes exceeds the limit of \(max) bytes"
        case .notWAV: "not a RIFF/WAVE file"
        case .truncated(let what): "WAV truncated: \(what)"
        case .missingChunk(let chunk): "WAV has no '\(chunk)' chunk"
        case .unsupportedFormat(let tag, let channels, let rate, let bits):
            "unsupported WAV format \(tag), \(channels) channel(s), \(rate) Hz, \(bits) bits: need μ-law (7) or 16-bit PCM (1), 8000 Hz, mono"
        case .unsupportedFileType(let name): "unsupported prompt file \(name): use .wav or .ul (raw μ-law)"
        }
    }
}
