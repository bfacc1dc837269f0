/// Sanitising helpers shared by the formatters, so no value can break a line or a field.
enum ProtocolText {
    /// `text` restricted to letters, digits, `-`, `_` and `.` (others become `_`), 1…64 bytes.
    static func word(_ text: String, fallback: String) -> String {
        let scalars = text.unicodeScalars.prefix(64).map { scalar -> Unicode.Scalar in
            scalar.isASCII && (HandlerCommandParser.isNameByte(UInt8(scalar.value)) || scalar == ".") ? scalar : "_"
        }
        return scalars.isEmpty ? fallback : String(String.UnicodeScalarView(scalars))
    }

    /// `text` without control characters (and without `removing`), trimmed, cut to `maxBytes`
    /// on a character boundary.
    static func singleLine(_ text: String, maxBytes: Int, removing: Set<Character> = []) -> String {
        var result = ""
        var bytes = 0
        for character in text {
            if character.unicodeScalars.contains(where: HandlerCommandParser.isControl) || removing.contains(character) {
                continue
            }
            let size = character.utf8.count
            guard bytes + size <= maxBytes else { break }
            result.append(character)
            bytes += size
        }
        return String(result.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }

    /// Percent-encodes every byte outside `A-Z a-z 0-9 - _ . ~ : @ / +`, so a value never holds
    /// a space, `=`, `%` or a line break.
    static func percentEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            if HandlerCommandParser.isNameByte(byte) || ".~:@/+".utf8.contains(byte) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                result.unicodeScalars.append("%")
                result.unicodeScalars.append(hex[Int(byte >> 4)])
                result.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return result
    }

    /// Reverses `percentEncoded`; nil when an escape is malformed or the bytes are not UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
