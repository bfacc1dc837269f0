/// Audio to play on a leg: G.711 μ-law bytes at 8 kHz, one byte per sample.
public struct Prompt: Equatable, Sendable {
    /// Largest prompt accepted from a file or data (5 MB ≈ 10 minutes of audio).
    public static let maxByteCount = 5 * 1024 * 1024
    /// Samples (and bytes) per 20 ms frame.
    public static let frameByteCount = 160

    /// The μ-law samples.
    public let muLaw: [UInt8]

    /// A prompt of raw μ-law samples; longer input is cut at ``maxByteCount``.
    public init(muLaw: [UInt8]) {
        self.muLaw = muLaw.count > Self.maxByteCount ? Array(muLaw.prefix(Self.maxByteCount)) : muLaw
    }

    /// `milliseconds` of silence (0xFF), capped at the prompt size limit.
    public static func silence(milliseconds: Int) -> Prompt {
        let count = min(max(0, milliseconds) * MuLaw.bytesPerSecond / 1000, maxByteCount)
        return Prompt(muLaw: [UInt8](repeating: MuLaw.silence, count: count))
    }

    /// How long the prompt plays.
    public var duration: Duration {
        .microseconds(Int64(muLaw.count) * 1_000_000 / Int64(MuLaw.bytesPerSecond))
    }

    /// Number of 20 ms packets the prompt plays as (the last one padded with silence).
    public var frameCount: Int {
        (muLaw.count + Self.frameByteCount - 1) / Self.frameByteCount
    }
}
