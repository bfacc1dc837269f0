import Domain
import Engine
import Foundation

/// One call as the agent sees it: when it was asked for, where it stands (in the agent's
/// words), the shopper (a display name and their local time, when known), the cart with
/// prices (the screen pop), who claimed it and the outcome recorded. Never the destination:
/// the node dials it, the agent never needs it.
struct AgentCallView: Encodable, Sendable {
    let callId: String
    /// `CallState.Phase`, as in the shopper's view.
    let status: String
    let statusText: String
    let requestedAt: Date
    let mode: String
    /// "phone" or "SIP phone".
    let modeText: String
    /// The agent the call is routed to.
    let agentName: String
    /// Whether that agent answers with the console's Answer button (not a SIP phone).
    let agentAnswersInBrowser: Bool
    let shopperName: String
    /// The shopper's IANA time zone and their clock now, ISO 8601 with its offset.
    let shopperTimeZone: String?
    let shopperLocalTime: String?
    let talkingSince: Date?
    let durationSeconds: Int64?
    let reason: String?
    let cart: CartView?
    let claimedBy: AgentClaimView?
    let outcome: AgentOutcomeView?

    init(_ entry: AgentCallPage.Entry, now: Date) {
        let call = entry.call, state = entry.state
        self.callId = call.callId.uuidString.lowercased()
        self.status = state.phase.rawValue
        self.statusText = CallWords.forAgent(state, request: call)
        self.requestedAt = call.at
        self.mode = call.mode.rawValue
        self.modeText = switch call.mode {
        case .pstn: "phone"
        case .voip: "SIP phone"
        case .browser: "browser"
        }
        self.agentName = call.agentName
        self.agentAnswersInBrowser = call.agentAnswersInConsole
        // No shopper gives a name yet; a short stable id tells shoppers apart on the screen.
        self.shopperName = "Shopper " + call.shopperId.uuidString.lowercased().prefix(6)
        let zone = entry.shopperTimeZone.flatMap(TimeZone.init(identifier:))
        self.shopperTimeZone = zone == nil ? nil : entry.shopperTimeZone
        self.shopperLocalTime = zone.map { Self.localTime(now, in: $0) }
        self.talkingSince = state.phase == .talking ? state.bridgedAt : nil
        self.durationSeconds = CallWords.durationSeconds(of: state)
        self.reason = state.phase == .failed ? state.failed?.reason : nil
        self.cart = entry.cart.map(CartView.init)
        self.claimedBy = entry.work.claim.map(AgentClaimView.init)
        self.outcome = entry.work.outcome.map(AgentOutcomeView.init)
    }

    /// `2026-11-25T23:45:00+01:00`: the time in `zone`, with its offset.
    static func localTime(_ date: Date, in zone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
