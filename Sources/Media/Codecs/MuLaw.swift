/// G.711 μ-law (PCMU): 16-bit linear PCM to 8-bit codes and back.
///
/// Decoding is a 256-entry table; encoding is the ITU-T G.711 segment search on a biased
/// magnitude. Byte 0xFF is positive zero (silence); 0x7F is negative zero and also decodes to 0,
/// so it is the one code that does not round-trip.
public enum MuLaw {
    /// The code for silence (positive zero).
    public static let silence: UInt8 = 0xFF
    /// Bytes per second of 8 kHz μ-law audio (one byte per sample).
    public static let bytesPerSecond = 8000

    private static let bias: Int32 = 0x84
    private static let clip: Int32 = 32635

    /// Linear value of every μ-law code, indexed by the code.
    public static let decodeTable: [Int16] = (0...255).map { code in
        let inverted = ~UInt8(code)
        let sign = inverted & 0x80
        let exponent = Int32((inverted >> 4) & 0x07)
        let mantissa = Int32(inverted & 0x0F)
        let magnitude = ((mantissa << 3) + bias) << exponent
        return Int16(sign != 0 ? bias - magnitude : magnitude - bias)
    }

    /// Linear 16-bit value of one μ-law code.
    @inlinable
    public static func decode(_ code: UInt8) -> Int16 {
        decodeTable[Int(code)]
    }

    /// μ-law code of one 16-bit linear sample.
    public static func encode(_ sample: Int16) -> UInt8 {
        var value = Int32(sample)
        let sign: Int32 = value < 0 ? 0x80 : 0
        if sign != 0 { value = -value }
        value = min(value, clip) + bias
        // Exponent = position of the highest set bit among bits 7...14, i.e. the segment.
        var exponent: Int32 = 7
        var mask: Int32 = 0x4000
        while exponent > 0, value & mask == 0 {
            exponent -= 1
            mask >>= 1
        }
        let mantissa = (value >> (exponent + 3)) & 0x0F
        return ~UInt8(truncatingIfNeeded: sign | (exponent << 4) | mantissa)
    }

    /// μ-law codes of a run of 16-bit linear samples.
    public static func encode(_ samples: some Sequence<Int16>) -> [UInt8] {
        samples.map(encode)
    }
}
