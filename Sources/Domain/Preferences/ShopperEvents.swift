import Foundation

/// What happens to a shopper, as stored in `shopper-<id>` streams.
public enum ShopperEvent: Equatable, Sendable {
    case preferencesSet(PreferencesSet)
    case consentWithdrawn(ConsentWithdrawn)
}

/// The phone number is stored sealed (encrypted under a key of the shopper's), so erasing
/// the shopper can later destroy the key instead of rewriting the log.
public struct PreferencesSet: EventPayload {
    public static let eventType = "PreferencesSet"
    public let mode: ContactPreferences.Mode
    public let sealedPhone: String?
    public let sipUri: String?
    public let consent: Bool
    public let quietHours: QuietHours?
    public let timeZone: String?
    public let at: Date
}

public struct ConsentWithdrawn: EventPayload {
    public static let eventType = "ConsentWithdrawn"
    public let at: Date
}
