/// The channel's reply to one handler command: one line, never starting with `800 `.
public enum HandlerReply: Sendable, Equatable {
    /// `200 result=<word> [(data)]`, e.g. `.ok("answered")`, `.ok("digits", data: "123")`.
    case ok(String, data: String? = nil)
    /// `510 Invalid or unknown command`.
    case invalidCommand
    /// `511 Channel gone`: the call has ended; the handler should exit.
    case channelGone
    /// `520 Invalid usage: <what>`.
    case usage(String)

    /// Longest `data` or usage text written, in bytes; longer text is cut.
    public static let maxTextBytes = 256

    /// The reply as one protocol line (without the newline).
    public var line: String {
        switch self {
        case .ok(let result, let data):
            let word = ProtocolText.word(result, fallback: "0")
            guard let data else { return "200 result=\(word)" }
            return "200 result=\(word) (\(ProtocolText.singleLine(data, maxBytes: Self.maxTextBytes, removing: ["(", ")"])))"
        case .invalidCommand:
            return "510 Invalid or unknown command"
        case .channelGone:
            return "511 Channel gone"
        case .usage(let what):
            return "520 Invalid usage: \(ProtocolText.singleLine(what, maxBytes: Self.maxTextBytes))"
        }
    }
}
