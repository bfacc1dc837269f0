/// One command a call handler writes on its stdout (docs/call-handler-protocol.md §3).
public enum HandlerCommand: Sendable, Equatable {
    /// `ANSWER`: answer the channel (a no-op on outbound channels that are already up).
    case answer
    /// `DIAL <customer|agent> <timeoutMs>`: place one leg of the call and wait for an outcome.
    case dial(DialTarget, timeoutMilliseconds: Int)
    /// `PLAY <prompt>`: play a named prompt to the customer leg.
    case play(prompt: String)
    /// `BRIDGE`: connect the customer and agent legs.
    case bridge
    /// `WAIT <ms>`: wait, still receiving events.
    case wait(milliseconds: Int)
    /// `GETDTMF <max> <timeoutMs>`: collect up to `maxDigits` digits.
    case getDTMF(maxDigits: Int, timeoutMilliseconds: Int)
    /// `SET <name> <value>`: attach a variable to the call record.
    case set(name: String, value: String)
    /// `HANGUP [cause]`: end every leg of the call.
    case hangup(cause: String?)
}

/// The leg a `DIAL` command places.
public enum DialTarget: String, Sendable, Equatable, CaseIterable {
    case customer
    case agent
}

extension HandlerCommand {
    /// The protocol verb, as the handler writes it.
    public var verb: String {
        switch self {
        case .answer: "ANSWER"
        case .dial: "DIAL"
        case .play: "PLAY"
        case .bridge: "BRIDGE"
        case .wait: "WAIT"
        case .getDTMF: "GETDTMF"
        case .set: "SET"
        case .hangup: "HANGUP"
        }
    }

    /// The command as one protocol line (without the newline); `parse(line)` reads it back.
    public var line: String {
        switch self {
        case .answer, .bridge: verb
        case .dial(let target, let timeout): "DIAL \(target.rawValue) \(timeout)"
        case .play(let prompt): "PLAY \(prompt)"
        case .wait(let milliseconds): "WAIT \(milliseconds)"
        case .getDTMF(let maxDigits, let timeout): "GETDTMF \(maxDigits) \(timeout)"
        case .set(let name, let value): "SET \(name) \(value)"
        case .hangup(let cause): cause.map { "HANGUP \($0)" } ?? "HANGUP"
        }
    }
}
