import Domain
import EventLog
import Foundation

/// A shopper's communication preferences: validated by `ContactPreferences`, decided by
/// `Shopper`, with the phone number sealed by the vault before it reaches the log.
public struct PreferencesService: Sendable {
    let store: AggregateStore
    let vault: PersonalDataVault
    let clock: any WallClock

    public init(store: AggregateStore, vault: PersonalDataVault, clock: any WallClock) {
        self.store = store
        self.vault = vault
        self.clock = clock
    }

    /// Records `preferences`; returns them with the shopper stream's version after the write
    /// (what the `cartline_prefs` cookie is bound to).
    @discardableResult
    public func set(_ preferences: ContactPreferences, shopperId: UUID, eventIDs: EventIDs) async throws -> Versioned<ContactPreferences> {
        let sealedPhone = try await preferences.phone.asyncMap { try await vault.seal($0, for: shopperId) }
        let now = clock.now()
        let written = try await store.execute(ShopperAggregate.self, .shopper(shopperId), eventIDs: eventIDs) { state in
            Shopper.decide(.setPreferences(preferences, sealedPhone: sealedPhone), state: state, now: now)
        }
        return Versioned(state: preferences, version: written.version)
    }

    /// The preferences the log holds, phone unsealed; nil if never set.
    public func current(shopperId: UUID) async throws -> ContactPreferences? {
        let loaded = try await store.load(ShopperAggregate.self, .shopper(shopperId))
        guard let set = loaded.state.preferences else { return nil }
        let phone = try await set.sealedPhone.asyncMap { try await vault.open($0, for: shopperId) } ?? nil
        // As recorded: an erased phone leaves a pstn preference without a number (report what remains).
        return ContactPreferences(restoring: set.mode, phone: phone, sipUri: set.sipUri, consent: set.consent,
                                  quietHours: set.quietHours, timeZone: set.timeZone)
    }
}

extension Optional where Wrapped: Sendable {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async throws -> T? {
        switch self {
        case .some(let value): try await transform(value)
        case .none: nil
        }
    }
}
