import Foundation

/// A leg of a call that a browser page takes through the WebRTC gateway (Tools/janus/README.md):
/// the customer leg of a `browser`-mode call (the shopper's page, SIP user `<call id hex>.<expiry>`)
/// or the agent leg of a call routed to an agent who answers in the agent console (SIP user
/// `agent<call id hex>.<expiry>`). Both the
/// web edge (which mints the page's credentials) and the telephony node (which INVITEs that
/// user) derive the user from the call's `CallRequested` alone: the expiry is decided once,
/// when the call is requested, and written into the event (`joinExpiresAtUnixSeconds`), so
/// the two never have to agree on a clock or round a date.
public enum BrowserLeg {
    /// How long after the call is requested the page may first register (the registrar
    /// refuses credentials past their expiry, and any more than 600 s ahead).
    public static let joinWindowSeconds: Int64 = 120

    /// How long after the call is requested the agent may first answer in the console: the
    /// agent leg is dialled only once the shopper has answered, so it gets more time.
    public static let agentJoinWindowSeconds: Int64 = 300

    /// What `CallRequested.destination` holds for a browser call: the call, not the shopper
    /// (no personal data to seal).
    public static func destination(callId: UUID) -> String { "browser:" + callId.uuidString.lowercased() }

    /// The expiry written into a browser call requested at `now`: whole Unix seconds.
    public static func joinExpiry(requestedAt now: Date) -> Int64 {
        Int64(now.timeIntervalSince1970.rounded(.down)) + joinWindowSeconds
    }

    /// The gateway user of the call: 32 lowercase hex digits, ".", the 10-digit expiry — the
    /// registrar's `^[a-z0-9]{16,64}\.[0-9]{10}$`.
    public static func sipUser(callId: UUID, joinExpiresAtUnixSeconds expiry: Int64) -> String {
        callId.uuidString.lowercased().replacingOccurrences(of: "-", with: "") + "." + String(expiry)
    }

    /// The agent console's gateway user of the call: `agent`, 32 lowercase hex digits, ".",
    /// the 10-digit expiry — a different user from the shopper's, so neither page's
    /// credentials open the other's leg.
    public static func agentSIPUser(callId: UUID, joinExpiresAtUnixSeconds expiry: Int64) -> String {
        "agent" + sipUser(callId: callId, joinExpiresAtUnixSeconds: expiry)
    }

    /// The expiry written into a call requested at `now` for an agent who answers in the console.
    public static func agentJoinExpiry(requestedAt now: Date) -> Int64 {
        Int64(now.timeIntervalSince1970.rounded(.down)) + agentJoinWindowSeconds
    }

    /// Whether `text` is a user `sipUser` could have made (checked before it reaches a URI).
    public static func isSIPUser(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, (16...64).contains(parts[0].count), parts[1].count == 10 else { return false }
        return parts[0].allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) } && parts[1].allSatisfy { $0.isASCII && $0.isNumber }
    }
}
