import Foundation

/// The shopper's preferences as the log holds them (phone still sealed).
public struct ShopperState: Equatable, Sendable {
    public var preferences: PreferencesSet?
    public var consent: Bool { preferences?.consent ?? false }

    public init(preferences: PreferencesSet? = nil) { self.preferences = preferences }
}

/// The shopper decider. Pure: sealing the phone happens at the edge, time is passed in.
public enum Shopper {
    public enum Command: Equatable, Sendable {
        case setPreferences(ContactPreferences, sealedPhone: String?)
        case withdrawConsent
    }

    public static func decide(_ command: Command, state: ShopperState, now: Date) -> [ShopperEvent] {
        switch command {
        case .setPreferences(let preferences, let sealedPhone):
            return [.preferencesSet(PreferencesSet(
                mode: preferences.mode, sealedPhone: sealedPhone, sipUri: preferences.sipUri, consent: preferences.consent,
                quietHours: preferences.quietHours, timeZone: preferences.timeZone, at: now))]
        case .withdrawConsent:
            return state.consent ? [.consentWithdrawn(ConsentWithdrawn(at: now))] : []
        }
    }

    public static func evolve(_ state: ShopperState, _ event: ShopperEvent) -> ShopperState {
        var state = state
        switch event {
        case .preferencesSet(let set):
            state.preferences = set
        case .consentWithdrawn(let withdrawn):
            if let current = state.preferences {
                state.preferences = PreferencesSet(mode: current.mode, sealedPhone: current.sealedPhone, sipUri: current.sipUri,
                                                   consent: false, quietHours: current.quietHours, timeZone: current.timeZone, at: withdrawn.at)
            }
        }
        return state
    }
}
