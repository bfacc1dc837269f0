import Media
import NIOCore
import Testing

@Suite("RTP packet codec")
struct RTPPacketTests {
    /// V=2, M=1, PT=0, seq 0x1234, ts 0xDEADBEEF, SSRC 0x01020304, payload AA BB.
    static let simple: [UInt8] = [0x80, 0x80, 0x12, 0x34, 0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04, 0xAA, 0xBB]

    @Test func parsesTheFixedHeaderAndPayload() throws {
        let packet = try RTPPacket(parsing: Self.simple)
        #expect(packet.header == RTPHeader(marker: true, payloadType: 0, sequenceNumber: 0x1234,
                                           timestamp: 0xDEAD_BEEF, ssrc: 0x0102_0304))
        #expect(Array(packet.payload.readableBytesView) == [0xAA, 0xBB])
    }

    @Test func serializesToTheSameBytes() throws {
        let packet = try RTPPacket(parsing: Self.simple)
        #expect(packet.bytes == Self.simple)
    }

    @Test func parsesCSRCsExtensionAndPaddingAndRoundTrips() throws {
        let bytes: [UInt8] = [
            0xB2, 0x65, 0x00, 0x01, 0x00, 0x00, 0x00, 0xA0, 0xCA, 0xFE, 0xBA, 0xBE,  // V2 P X CC=2, PT 101
            0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,  // CSRCs
            0xBE, 0xDE, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44,  // extension: profile, 1 word
            0x05, 0x8A, 0x01, 0x40,  // payload: telephone event
            0x00, 0x00, 0x00, 0x04,  // padding: 4 bytes
        ]
        let packet = try RTPPacket(parsing: bytes)
        #expect(packet.header.padding)
        #expect(!packet.header.marker)
        #expect(packet.header.payloadType == 101)
        #expect(packet.header.csrcs == [1, 2])
        #expect(packet.header.extensionHeader == RTPHeaderExtension(profile: 0xBEDE, data: [0x11, 0x22, 0x33, 0x44]))
        #expect(Array(packet.payload.readableBytesView) == [0x05, 0x8A, 0x01, 0x40])
        #expect(packet.bytes == bytes)
    }

    @Test func rejectsPacketsShorterThanTheHeader() {
        #expect(throws: RTPParseError.tooShort(byteCount: 11, needed: 12)) {
            try RTPPacket(parsing: Array(Self.simple.prefix(11)))
        }
        #expect(throws: RTPParseError.tooShort(byteCount: 0, needed: 12)) { try RTPPacket(parsing: [UInt8]()) }
    }

    @Test func rejectsOtherVersions() {
        var bytes = Self.simple
        bytes[0] = 0x40  // version 1
        #expect(throws: RTPParseError.wrongVersion(1)) { try RTPPacket(parsing: bytes) }
        bytes[0] = 0x00
        #expect(throws: RTPParseError.wrongVersion(0)) { try RTPPacket(parsing: bytes) }
    }

    @Test func rejectsACSRCListThatDoesNotFit() {
        var bytes = Self.simple
        bytes[0] = 0x8F  // 15 CSRCs = 60 bytes, only 2 follow
        #expect(throws: RTPParseError.badCSRCCount(count: 15, byteCount: 14)) { try RTPPacket(parsing: bytes) }
    }

    @Test func rejectsBadPadding() {
        var bytes = Self.simple
        bytes[0] = 0xA0  // P set; last byte 0xBB = 187 bytes of padding, 2 available
        #expect(throws: RTPParseError.badPadding(paddingByteCount: 187, availableByteCount: 2)) { try RTPPacket(parsing: bytes) }
        bytes[13] = 0  // zero padding count is invalid too
        #expect(throws: RTPParseError.badPadding(paddingByteCount: 0, availableByteCount: 2)) { try RTPPacket(parsing: bytes) }
    }

    @Test func rejectsAnExtensionThatDoesNotFit() {
        var bytes = Self.simple
        bytes[0] = 0x90  // X set: extension header needs 4 bytes at offset 12, its words more
        #expect(throws: RTPParseError.tooShort(byteCount: 14, needed: 16)) { try RTPPacket(parsing: bytes) }
    }

    @Test func errorsDescribeThemselves() {
        #expect(RTPParseError.wrongVersion(1).description.contains("version 1"))
    }
}
