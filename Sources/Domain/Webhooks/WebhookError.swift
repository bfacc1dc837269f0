import Foundation

/// Why a notification was refused. Each maps to one HTTP status at the edge; none changes
/// anything.
public enum WebhookError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No signature header, or no secret configured to check it against (401).
    case unsigned(String)
    /// The signature does not match the raw body under any of the merchant's secrets (401).
    case badSignature(String)
    /// The signed or triggered time is outside the tolerance (400).
    case stale(String)
    /// The body, or a part of it, is larger than the bounds (413).
    case tooLarge(String)
    /// The body is not the documented shape: not JSON, a field missing or of the wrong type,
    /// an amount that is not a decimal, a quantity out of range (422).
    case malformed(String)
    /// The notification is priced in another currency than the merchant sells in (409).
    case currencyMismatch(String)

    /// A stable short name of the kind, used as the problem type and in the failure list.
    public var slug: String {
        switch self {
        case .unsigned: "webhook-unsigned"
        case .badSignature: "webhook-bad-signature"
        case .stale: "webhook-stale"
        case .tooLarge: "webhook-too-large"
        case .malformed: "webhook-malformed"
        case .currencyMismatch: "webhook-currency-mismatch"
        }
    }

    public var description: String {
        switch self {
        case .unsigned(let reason), .badSignature(let reason), .stale(let reason), .tooLarge(let reason),
             .malformed(let reason), .currencyMismatch(let reason): reason
        }
    }
}
