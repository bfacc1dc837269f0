/// Splits a `text/event-stream` body into events (WHATWG "server-sent events" framing:
/// `event:` and `data:` fields, a blank line ends an event, `:` lines are comments).
struct EventStreamParser {
    struct Event: Equatable {
        let kind: String
        let data: String
    }

    struct LineTooLong: Error {
        let limitBytes: Int
    }

    /// A longer line is a broken stream, not something to buffer without end.
    static let maxLineBytes = 64 * 1024

    private var line: [UInt8] = []
    private var kind = ""
    private var data: [String] = []
    private var lastWasCarriageReturn = false

    /// The events completed by `bytes`.
    mutating func feed(_ bytes: some Sequence<UInt8>) throws(LineTooLong) -> [Event] {
        var events: [Event] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\n") where lastWasCarriageReturn:
                lastWasCarriageReturn = false
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                lastWasCarriageReturn = byte == UInt8(ascii: "\r")
                if let event = endLine() { events.append(event) }
            default:
                lastWasCarriageReturn = false
                guard line.count < Self.maxLineBytes else { throw LineTooLong(limitBytes: Self.maxLineBytes) }
                line.append(byte)
            }
        }
        return events
    }

    private mutating func endLine() -> Event? {
        defer { line.removeAll(keepingCapacity: true) }
        guard !line.isEmpty else {
            defer { kind = ""; data = [] }
            guard !data.isEmpty else { return nil }
            return Event(kind: kind.isEmpty ? "message" : kind, data: data.joined(separator: "\n"))
        }
        let text = String(decoding: line, as: UTF8.self)
        guard !text.hasPrefix(":") else { return nil }
        let field = text.prefix { $0 != ":" }
        var value = text.dropFirst(field.count).dropFirst()
        if value.hasPrefix(" ") { value = value.dropFirst() }
        switch field {
        case "event": kind = String(value)
        case "data": data.append(String(value))
        default: break  // id, retry: not needed by a tail
        }
        return nil
    }
}
