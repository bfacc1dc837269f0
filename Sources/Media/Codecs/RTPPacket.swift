import NIOCore

/// An RTP packet (RFC 3550): header and payload, padding removed.
///
/// Parsing slices the payload out of the datagram's buffer without copying it.
public struct RTPPacket: Equatable, Sendable {
    public var header: RTPHeader
    /// The payload without the padding.
    public var payload: ByteBuffer

    public init(header: RTPHeader, payload: ByteBuffer) {
        self.header = header
        self.payload = payload
    }

    /// Parses the readable bytes of `buffer` as one RTP packet.
    public init(parsing buffer: ByteBuffer) throws(RTPParseError) {
        let total = buffer.readableBytes
        guard total >= RTPHeader.fixedByteCount else {
            throw .tooShort(byteCount: total, needed: RTPHeader.fixedByteCount)
        }
        let base = buffer.readerIndex
        // The guard above makes these reads of the fixed header safe; `?? 0` only satisfies the types.
        let first = buffer.getInteger(at: base, as: UInt8.self) ?? 0
        let second = buffer.getInteger(at: base + 1, as: UInt8.self) ?? 0
        let version = Int(first >> 6)
        guard version == 2 else { throw .wrongVersion(version) }
        let hasPadding = first & 0x20 != 0
        let hasExtension = first & 0x10 != 0
        let csrcCount = Int(first & 0x0F)
        var offset = RTPHeader.fixedByteCount
        guard total >= offset + 4 * csrcCount else { throw .badCSRCCount(count: csrcCount, byteCount: total) }
        var csrcs: [UInt32] = []
        if csrcCount > 0 {
            csrcs.reserveCapacity(csrcCount)
            for index in 0..<csrcCount {
                csrcs.append(buffer.getInteger(at: base + offset + 4 * index, as: UInt32.self) ?? 0)
            }
            offset += 4 * csrcCount
        }
        var extensionHeader: RTPHeaderExtension?
        if hasExtension {
            guard total >= offset + 4 else { throw .tooShort(byteCount: total, needed: offset + 4) }
            let profile = buffer.getInteger(at: base + offset, as: UInt16.self) ?? 0
            let words = Int(buffer.getInteger(at: base + offset + 2, as: UInt16.self) ?? 0)
            let needed = offset + 4 + 4 * words
            guard total >= needed else { throw .tooShort(byteCount: total, needed: needed) }
            extensionHeader = RTPHeaderExtension(
                profile: profile, data: buffer.getBytes(at: base + offset + 4, length: 4 * words) ?? [])
            offset = needed
        }
        var payloadLength = total - offset
        if hasPadding {
            // The last byte counts the padding bytes, itself included (RFC 3550 §5.1).
            let paddingCount = Int(buffer.getInteger(at: base + total - 1, as: UInt8.self) ?? 0)
            guard paddingCount >= 1, paddingCount <= payloadLength else {
                throw .badPadding(paddingByteCount: paddingCount, availableByteCount: payloadLength)
            }
            payloadLength -= paddingCount
        }
        self.header = RTPHeader(
            padding: hasPadding, marker: second & 0x80 != 0, payloadType: second & 0x7F,
            sequenceNumber: buffer.getInteger(at: base + 2, as: UInt16.self) ?? 0,
            timestamp: buffer.getInteger(at: base + 4, as: UInt32.self) ?? 0,
            ssrc: buffer.getInteger(at: base + 8, as: UInt32.self) ?? 0,
            csrcs: csrcs, extensionHeader: extensionHeader)
        self.payload = buffer.getSlice(at: base + offset, length: payloadLength) ?? ByteBuffer()
    }

    /// Parses `bytes` as one RTP packet.
    public init(parsing bytes: [UInt8]) throws(RTPParseError) {
        try self.init(parsing: ByteBuffer(bytes: bytes))
    }

    /// Appends the packet to `buffer`; if the header says `padding`, pads to a multiple of 4 bytes (at least 1 byte).
    public func write(to buffer: inout ByteBuffer) {
        header.write(to: &buffer)
        var payload = self.payload
        buffer.writeBuffer(&payload)
        if header.padding {
            let unpadded = header.byteCount + self.payload.readableBytes
            let paddingCount = 4 - unpadded % 4  // 1...4: padding always has at least its count byte
            buffer.writeRepeatingByte(0, count: paddingCount - 1)
            buffer.writeInteger(UInt8(paddingCount))
        }
    }

    /// The packet's wire bytes.
    public var bytes: [UInt8] {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(header.byteCount + payload.readableBytes + 4)
        write(to: &buffer)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }
}
