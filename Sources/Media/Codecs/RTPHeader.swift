import NIOCore

/// The fixed RTP header of RFC 3550 §5.1 plus its CSRC list; the extension is kept opaque.
public struct RTPHeader: Equatable, Sendable {
    /// Size of the fixed header in bytes (no CSRCs, no extension).
    public static let fixedByteCount = 12
    /// Most CSRCs a header can carry (the CC field has 4 bits).
    public static let maxCSRCCount = 15

    public var padding: Bool
    public var marker: Bool
    /// 7-bit payload type (0 = PCMU).
    public var payloadType: UInt8
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32
    public var csrcs: [UInt32]
    /// The header extension (RFC 3550 §5.3.1), if the X bit is set.
    public var extensionHeader: RTPHeaderExtension?

    public init(
        padding: Bool = false, marker: Bool = false, payloadType: UInt8, sequenceNumber: UInt16,
        timestamp: UInt32, ssrc: UInt32, csrcs: [UInt32] = [], extensionHeader: RTPHeaderExtension? = nil
    ) {
        self.padding = padding
        self.marker = marker
        self.payloadType = payloadType & 0x7F
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcs = Array(csrcs.prefix(Self.maxCSRCCount))
        self.extensionHeader = extensionHeader
    }

    /// Bytes this header takes on the wire.
    public var byteCount: Int {
        Self.fixedByteCount + 4 * csrcs.count + (extensionHeader.map { 4 + $0.data.count } ?? 0)
    }

    /// Appends the header to `buffer`.
    public func write(to buffer: inout ByteBuffer) {
        let csrcCount = UInt8(min(csrcs.count, Self.maxCSRCCount))
        var first: UInt8 = 0x80 | csrcCount
        if padding { first |= 0x20 }
        if extensionHeader != nil { first |= 0x10 }
        buffer.writeInteger(first)
        buffer.writeInteger((marker ? 0x80 : 0) | (payloadType & 0x7F))
        buffer.writeInteger(sequenceNumber)
        buffer.writeInteger(timestamp)
        buffer.writeInteger(ssrc)
        for csrc in csrcs.prefix(Int(csrcCount)) { buffer.writeInteger(csrc) }
        if let extensionHeader {
            // The length counts 32-bit words; data that is not word-aligned is zero-padded.
            let words = (extensionHeader.data.count + 3) / 4
            buffer.writeInteger(extensionHeader.profile)
            buffer.writeInteger(UInt16(truncatingIfNeeded: words))
            buffer.writeBytes(extensionHeader.data)
            buffer.writeRepeatingByte(0, count: words * 4 - extensionHeader.data.count)
        }
    }

    /// Writes the common case, a 12-byte header without CSRCs or extension, without building a value.
    static func writeFixed(
        to buffer: inout ByteBuffer, marker: Bool, payloadType: UInt8, sequenceNumber: UInt16,
        timestamp: UInt32, ssrc: UInt32
    ) {
        buffer.writeMultipleIntegers(
            UInt8(0x80), (marker ? 0x80 : 0) | (payloadType & 0x7F), sequenceNumber, timestamp, ssrc
        )
    }
}

/// An RTP header extension: a profile-defined 16-bit identifier and its data (a multiple of 4 bytes on the wire).
public struct RTPHeaderExtension: Equatable, Sendable {
    public var profile: UInt16
    public var data: [UInt8]

    public init(profile: UInt16, data: [UInt8]) {
        self.profile = profile
        self.data = data
    }
}
