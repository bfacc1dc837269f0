import NIOCore

/// An RFC 4733 telephone-event payload (DTMF): event, end bit, volume, duration.
public struct TelephoneEvent: Equatable, Sendable {
    /// Bytes of one event payload.
    public static let byteCount = 4
    /// The digits of events 0...15 (RFC 4733 §3.2).
    static let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "A", "B", "C", "D"]

    /// Event code; 0...15 are the DTMF digits.
    public var event: UInt8
    /// Set on the final packet(s) of the event.
    public var isEnd: Bool
    /// Power level in −dBm0, 0...63.
    public var volume: UInt8
    /// Duration so far, in timestamp units (1/8000 s for 8 kHz).
    public var duration: UInt16

    public init(event: UInt8, isEnd: Bool = false, volume: UInt8 = 10, duration: UInt16 = 0) {
        self.event = event
        self.isEnd = isEnd
        self.volume = volume & 0x3F
        self.duration = duration
    }

    /// The event of a DTMF digit (0-9, *, #, A-D), or nil for anything else.
    public init?(digit: Character, isEnd: Bool = false, volume: UInt8 = 10, duration: UInt16 = 0) {
        guard let code = Self.digits.firstIndex(of: Character(digit.uppercased())) else { return nil }
        self.init(event: UInt8(code), isEnd: isEnd, volume: volume, duration: duration)
    }

    /// Parses the first 4 readable bytes of `buffer`.
    public init(parsing buffer: ByteBuffer) throws(TelephoneEventParseError) {
        guard buffer.readableBytes >= Self.byteCount,
              let (event, flags, duration) = buffer.getMultipleIntegers(
                at: buffer.readerIndex, as: (UInt8, UInt8, UInt16).self)
        else { throw .tooShort(byteCount: buffer.readableBytes) }
        self.init(event: event, isEnd: flags & 0x80 != 0, volume: flags & 0x3F, duration: duration)
    }

    /// The DTMF digit of this event, or nil when it is not one of events 0...15.
    public var digit: Character? {
        event < Self.digits.count ? Self.digits[Int(event)] : nil
    }

    /// Appends the 4-byte payload to `buffer`.
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeMultipleIntegers(event, (isEnd ? 0x80 : 0) | (volume & 0x3F), duration)
    }

    /// The 4 payload bytes.
    public var bytes: [UInt8] {
        var buffer = ByteBuffer()
        write(to: &buffer)
        return buffer.readBytes(length: Self.byteCount) ?? []
    }
}

/// Why a payload is not a telephone event.
public enum TelephoneEventParseError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooShort(byteCount: Int)

    public var description: String {
        switch self {
        case .tooShort(let count): "telephone-event payload too short: \(count) bytes, needs 4"
        }
    }
}
