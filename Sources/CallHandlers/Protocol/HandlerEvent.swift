/// An asynchronous event the channel sends to a handler at any time between replies:
/// `800 event=<name> [key=value…]`. Values are percent-encoded, so no value can hold a space
/// or a line break; a handler tells events from replies by the `800 ` prefix alone.
public struct HandlerEvent: Sendable, Equatable {
    /// One `key=value` field; `value` is the decoded text.
    public struct Field: Sendable, Equatable {
        public var key: String
        public var value: String
        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = value
        }
    }

    /// At most this many fields are written.
    public static let maxFields = 16
    /// Values longer than this (in bytes, before encoding) are cut.
    public static let maxValueBytes = 256

    public var name: String
    public var fields: [Field]

    public init(name: String, fields: [Field] = []) {
        self.name = name
        self.fields = fields
    }

    /// `800 event=answered leg=<leg>`.
    public static func answered(leg: DialTarget) -> HandlerEvent {
        HandlerEvent(name: "answered", fields: [Field("leg", leg.rawValue)])
    }

    /// `800 event=hangup leg=<leg> cause=<cause>`.
    public static func hangup(leg: DialTarget, cause: String) -> HandlerEvent {
        HandlerEvent(name: "hangup", fields: [Field("leg", leg.rawValue), Field("cause", cause)])
    }

    /// `800 event=dtmf digit=<digit>`.
    public static func dtmf(digit: Character) -> HandlerEvent {
        HandlerEvent(name: "dtmf", fields: [Field("digit", String(digit))])
    }

    /// `800 event=credit-exhausted`.
    public static let creditExhausted = HandlerEvent(name: "credit-exhausted")

    /// The event as one protocol line (without the newline).
    public var line: String {
        var line = "800 event=\(ProtocolText.word(name, fallback: "unknown"))"
        for field in fields.prefix(Self.maxFields) {
            let value = ProtocolText.singleLine(field.value, maxBytes: Self.maxValueBytes)
            let text = " \(ProtocolText.word(field.key, fallback: "key"))=\(ProtocolText.percentEncoded(value))"
            // Whole fields only, and never past the protocol's line limit.
            guard line.utf8.count + text.utf8.count <= HandlerCommandParser.maxLineBytes else { break }
            line += text
        }
        return line
    }

    /// Reads an `800` line back (for handlers written in Swift and for tests); nil if `line`
    /// is not a well-formed event.
    public init?(parsing line: String) {
        let tokens = line.split(separator: " ", omittingEmptySubsequences: true)
        guard tokens.count >= 2, tokens[0] == "800", tokens[1].hasPrefix("event=") else { return nil }
        name = String(tokens[1].dropFirst("event=".count))
        fields = []
        for token in tokens.dropFirst(2) {
            guard let equals = token.firstIndex(of: "="),
                  let value = ProtocolText.percentDecoded(token[token.index(after: equals)...])
            else { return nil }
            fields.append(Field(String(token[..<equals]), value))
        }
    }

    /// The decoded value of the first field named `key`.
    public subscript(key: String) -> String? {
        fields.first { $0.key == key }?.value
    }
}
