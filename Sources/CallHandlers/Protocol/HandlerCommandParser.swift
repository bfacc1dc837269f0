/// Parses one line from a handler into a `HandlerCommand`: a pure function that never traps,
/// whatever the bytes (a seeded fuzz test feeds it random lines).
///
/// Grammar (docs/call-handler-protocol.md §3): the verb is case-insensitive; arguments are
/// separated by one or more spaces; a trailing `\r` is ignored; any other control character
/// makes the line invalid; `SET`'s value is the rest of the line.
public enum HandlerCommandParser {
    /// The longest line accepted, in bytes, without its newline.
    public static let maxLineBytes = 1024
    /// Timeouts and waits are bounded to 1 ms … 10 minutes.
    public static let timeoutRangeMilliseconds = 1...600_000
    /// `GETDTMF` collects 1 … 32 digits.
    public static let dtmfDigitsRange = 1...32
    /// Prompt names, variable names and hangup causes are at most this long.
    public static let maxNameBytes = 64
    /// `SET` values are at most this long.
    public static let maxValueBytes = 256

    /// Parses `line` (without its newline).
    public static func parse(_ line: String) throws(HandlerProtocolError) -> HandlerCommand {
        var text = Substring(line)
        if text.last == "\r" { text = text.dropLast() }
        guard text.utf8.count <= maxLineBytes else { throw .lineTooLong(maxBytes: maxLineBytes) }
        let tokens = text.split(separator: " ", omittingEmptySubsequences: true)
        guard let verbToken = tokens.first else { throw .unknownCommand(verb: "") }
        if text.unicodeScalars.contains(where: isControl) {
            throw .usage("control characters in line")
        }
        let arguments = Array(tokens.dropFirst())
        switch verbToken.uppercased() {
        case "ANSWER":
            try expectCount(arguments, 0, "ANSWER")
            return .answer
        case "BRIDGE":
            try expectCount(arguments, 0, "BRIDGE")
            return .bridge
        case "DIAL":
            try expectCount(arguments, 2, "DIAL <customer|agent> <timeoutMs>")
            guard let target = DialTarget(rawValue: arguments[0].lowercased()) else {
                throw .usage("DIAL target must be customer or agent")
            }
            return .dial(target, timeoutMilliseconds: try number(arguments[1], in: timeoutRangeMilliseconds, "DIAL timeoutMs"))
        case "PLAY":
            try expectCount(arguments, 1, "PLAY <prompt>")
            return .play(prompt: try name(arguments[0], "PLAY prompt"))
        case "WAIT":
            try expectCount(arguments, 1, "WAIT <ms>")
            return .wait(milliseconds: try number(arguments[0], in: timeoutRangeMilliseconds, "WAIT ms"))
        case "GETDTMF":
            try expectCount(arguments, 2, "GETDTMF <max> <timeoutMs>")
            return .getDTMF(
                maxDigits: try number(arguments[0], in: dtmfDigitsRange, "GETDTMF max"),
                timeoutMilliseconds: try number(arguments[1], in: timeoutRangeMilliseconds, "GETDTMF timeoutMs")
            )
        case "SET":
            guard arguments.count >= 2 else { throw .usage("SET <name> <value>") }
            let variable = try name(arguments[0], "SET name")
            // The value is everything after the name, so it may contain spaces.
            let value = text.skippingToken().skippingToken()
            guard value.utf8.count <= maxValueBytes else { throw .usage("SET value longer than \(maxValueBytes) bytes") }
            return .set(name: variable, value: String(value))
        case "HANGUP":
            guard arguments.count <= 1 else { throw .usage("HANGUP [cause]") }
            return .hangup(cause: try arguments.first.map { token throws(HandlerProtocolError) in try name(token, "HANGUP cause") })
        default:
            throw .unknownCommand(verb: printable(verbToken))
        }
    }

    private static func expectCount(_ arguments: [Substring], _ count: Int, _ usage: String) throws(HandlerProtocolError) {
        guard arguments.count == count else { throw .usage(usage) }
    }

    private static func number(_ token: Substring, in range: ClosedRange<Int>, _ what: String) throws(HandlerProtocolError) -> Int {
        // At most 9 digits, so the conversion cannot overflow before the range check.
        guard (1...9).contains(token.utf8.count), token.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              let value = Int(token), range.contains(value)
        else { throw .usage("\(what) must be an integer in \(range.lowerBound)...\(range.upperBound)") }
        return value
    }

    /// Names are letters, digits, `-` and `_`.
    private static func name(_ token: Substring, _ what: String) throws(HandlerProtocolError) -> String {
        guard token.utf8.count <= maxNameBytes, token.utf8.allSatisfy(isNameByte) else {
            throw .usage("\(what) must be 1-\(maxNameBytes) letters, digits, '-' or '_'")
        }
        return String(token)
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// An unknown verb, shortened and stripped to printable ASCII so it is safe to log.
    private static func printable(_ token: Substring) -> String {
        String(String.UnicodeScalarView(token.unicodeScalars.prefix(32).map { (0x21...0x7E).contains($0.value) ? $0 : "?" }))
    }
}

extension Substring {
    /// The text after the first space-separated token and the spaces that follow it.
    fileprivate func skippingToken() -> Substring {
        let start = drop(while: { (character: Character) in character == " " })
        return start.drop(while: { (character: Character) in character != " " }).drop(while: { (character: Character) in character == " " })
    }
}
