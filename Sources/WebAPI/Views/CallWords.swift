import Domain

/// The words people read for a call: the shopper's ("Your phone is ringing") and the
/// agent's ("The shopper's phone is ringing"). No codes, no numbers, no SIP.
enum CallWords {
    /// How the shopper is reached, in words.
    static func mode(_ mode: ContactPreferences.Mode) -> String {
        switch mode {
        case .pstn: "on your phone"
        case .voip: "on your SIP phone"
        case .browser: "here in your browser"
        }
    }

    static func forShopper(_ state: CallState, request: CallRequested) -> String {
        let agent = request.agentName
        let phone = switch request.mode {
        case .pstn: "phone"
        case .voip: "SIP phone"
        case .browser: "browser"
        }
        if state.cancelRequestedAt != nil, Call.isCancellable(state) { return "Cancelling the call…" }
        switch state.phase {
        case .requested: return "\(agent) will call you \(mode(request.mode)) in a moment"
        case .connecting: return "We're calling you now \(mode(request.mode))"
        case .ringing: return "Your \(phone) is ringing"
        case .answered: return "Connected — \(agent) joins in a moment"
        case .talking: return "Talking with \(agent)"
        case .ended: return ended(state)
        case .failed: return "\(Call.explain(failure: state.failed?.reason ?? "")) Try again?"
        }
    }

    static func forAgent(_ state: CallState, request: CallRequested) -> String {
        let agent = request.agentName
        switch state.phase {
        case .requested: return "Waiting for a line"
        case .connecting: return "Calling the shopper"
        case .ringing: return "The shopper's phone is ringing"
        case .answered: return "The shopper answered — connecting \(agent)"
        case .talking: return "\(agent) is talking with the shopper"
        case .ended: return ended(state)
        case .failed: return "Failed: \(Call.explain(failure: state.failed?.reason ?? ""))"
        }
    }

    /// The conversation's length once ended: from the agent joining (billable), or from
    /// the customer's answer when the agent never joined; rounded to the second.
    static func durationSeconds(of state: CallState) -> Int64? {
        guard state.phase == .ended, let ended = state.ended else { return nil }
        let milliseconds = ended.billableMilliseconds > 0 ? ended.billableMilliseconds : ended.answeredMilliseconds
        return (max(0, milliseconds) + 500) / 1_000
    }

    /// "3 min 12 s", "45 s", "1 h 2 min".
    static func duration(seconds: Int64) -> String {
        let hours = seconds / 3_600, minutes = seconds % 3_600 / 60, rest = seconds % 60
        var parts: [String] = []
        if hours > 0 { parts.append("\(hours) h") }
        if minutes > 0 { parts.append("\(minutes) min") }
        if rest > 0 || parts.isEmpty { parts.append("\(rest) s") }
        return parts.joined(separator: " ")
    }

    private static func ended(_ state: CallState) -> String {
        guard let seconds = durationSeconds(of: state), seconds > 0 else { return "Call ended" }
        return "Call ended after \(duration(seconds: seconds))"
    }
}
