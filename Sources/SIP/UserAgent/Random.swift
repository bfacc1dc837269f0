/// Random identifiers: branches (RFC 3261 magic cookie), tags, Call-IDs, cnonces.
enum Random {
    static func token() -> String { hex(UInt64.random(in: .min ... .max)) }

    static func branch() -> String { "z9hG4bK" + hex(UInt64.random(in: .min ... .max)) }

    static func callID() -> String { hex(UInt64.random(in: .min ... .max)) + hex(UInt64.random(in: .min ... .max)) }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
