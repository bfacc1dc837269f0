/// Byte-level helpers shared by the parsers: no regex, no Foundation, no allocation.
enum ASCII {
    static let cr: UInt8 = 13
    static let lf: UInt8 = 10
    static let space: UInt8 = 32
    static let tab: UInt8 = 9

    static func caseInsensitiveEquals(_ a: String, _ b: String) -> Bool {
        let left = a.utf8, right = b.utf8
        guard left.count == right.count else { return false }
        for (x, y) in zip(left, right) where lower(x) != lower(y) { return false }
        return true
    }

    @inline(__always) static func lower(_ byte: UInt8) -> UInt8 {
        (byte >= 65 && byte <= 90) ? byte | 0x20 : byte
    }

    @inline(__always) static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    @inline(__always) static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }

    /// RFC 3261 `token` characters.
    @inline(__always) static func isToken(_ byte: UInt8) -> Bool {
        if isAlphanumeric(byte) { return true }
        switch byte {
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "%"), UInt8(ascii: "*"),
            UInt8(ascii: "_"), UInt8(ascii: "+"), UInt8(ascii: "`"), UInt8(ascii: "'"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    static func isToken(_ string: Substring) -> Bool { !string.isEmpty && string.utf8.allSatisfy(isToken) }

    static func isToken(_ string: String) -> Bool { isToken(Substring(string)) }

    /// Trims spaces and tabs on both ends.
    static func trim(_ string: Substring) -> Substring {
        let utf8 = string.utf8
        var start = utf8.startIndex, end = utf8.endIndex
        while start < end, isWhitespace(utf8[start]) { start = utf8.index(after: start) }
        while end > start, isWhitespace(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        return Substring(utf8[start..<end])
    }

    static func trim(_ string: String) -> Substring { trim(Substring(string)) }

    /// Parses a bounded unsigned decimal (no sign, no spaces); nil when empty, non-digit or > `max`.
    static func decimal(_ string: Substring, max: Int) -> Int? {
        guard !string.isEmpty, string.utf8.count <= 10 else { return nil }
        var value = 0
        for byte in string.utf8 {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value <= max ? value : nil
    }

    /// Splits a list header value on commas outside quotes and angle brackets (RFC 3261 §7.3.1).
    /// Returns nil when a quote or bracket is left open.
    static func splitList(_ value: Substring) -> [Substring]? {
        var parts: [Substring] = []
        var inQuotes = false, escaped = false, angleDepth = 0
        let utf8 = value.utf8
        var partStart = utf8.startIndex
        var index = utf8.startIndex
        while index < utf8.endIndex {
            let byte = utf8[index]
            if inQuotes {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inQuotes = false }
            } else if byte == UInt8(ascii: "\"") {
                inQuotes = true
            } else if byte == UInt8(ascii: "<") {
                angleDepth += 1
            } else if byte == UInt8(ascii: ">") {
                angleDepth = Swift.max(0, angleDepth - 1)
            } else if byte == UInt8(ascii: ","), angleDepth == 0 {
                let part = trim(Substring(utf8[partStart..<index]))
                if !part.isEmpty { parts.append(part) }
                partStart = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        guard !inQuotes, angleDepth == 0 else { return nil }
        let last = trim(Substring(utf8[partStart..<utf8.endIndex]))
        if !last.isEmpty { parts.append(last) }
        return parts
    }
}
