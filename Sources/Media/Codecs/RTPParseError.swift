/// Why a datagram is not a well-formed RTP packet (RFC 3550 §5.1).
public enum RTPParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Fewer bytes than the header (fixed part, CSRCs and extension) needs.
    case tooShort(byteCount: Int, needed: Int)
    /// The version field is not 2.
    case wrongVersion(Int)
    /// The CSRC list does not fit in the packet.
    case badCSRCCount(count: Int, byteCount: Int)
    /// The padding count is zero or larger than what follows the header.
    case badPadding(paddingByteCount: Int, availableByteCount: Int)

    public var description: String {
        switch self {
        case .tooShort(let count, let needed): "RTP packet too short: \(count) bytes, header needs \(needed)"
        case .wrongVersion(let version): "RTP version \(version), expected 2"
        case .badCSRCCount(let count, let bytes): "RTP CSRC count \(count) does not fit in \(bytes) bytes"
        case .badPadding(let padding, let available): "RTP padding of \(padding) bytes does not fit in the \(available) bytes after the header"
        }
    }
}
