/// A JSON value written with keys in the order given, so output is byte-identical run to
/// run (a dictionary's order is not).
indirect enum JSONText: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    /// Exact decimal text such as `12.50`, written as a JSON number.
    case number(String)
    case bool(Bool)
    case null
    case array([JSONText])
    case object([(String, JSONText)])

    static func == (lhs: JSONText, rhs: JSONText) -> Bool { lhs.rendered() == rhs.rendered() }

    /// Compact when `indent` is nil (one line, for JSON Lines), else pretty with that many spaces.
    func rendered(indent: Int? = 2) -> String {
        var out = ""
        write(into: &out, indent: indent, depth: 0)
        return out
    }

    private func write(into out: inout String, indent: Int?, depth: Int) {
        switch self {
        case .string(let text): Self.quote(text, into: &out)
        case .integer(let value): out += String(value)
        case .number(let text): out += text
        case .bool(let value): out += value ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                Self.newline(into: &out, indent: indent, depth: depth + 1)
                item.write(into: &out, indent: indent, depth: depth + 1)
            }
            Self.newline(into: &out, indent: indent, depth: depth)
            out += "]"
        case .object(let members):
            guard !members.isEmpty else { out += "{}"; return }
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                Self.newline(into: &out, indent: indent, depth: depth + 1)
                Self.quote(member.0, into: &out)
                out += indent == nil ? ":" : ": "
                member.1.write(into: &out, indent: indent, depth: depth + 1)
            }
            Self.newline(into: &out, indent: indent, depth: depth)
            out += "}"
        }
    }

    private static func newline(into out: inout String, indent: Int?, depth: Int) {
        guard let indent else { return }
        out += "\n" + String(repeating: " ", count: indent * depth)
    }

    static func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
