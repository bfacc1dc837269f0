import Foundation

/// What happens to a merchant, as stored in `merchant-<id>` streams.
public enum MerchantEvent: Equatable, Sendable {
    case registered(MerchantRegistered)
    case updated(MerchantUpdated)
    case retired(MerchantRetired)
}

public struct MerchantRegistered: EventPayload {
    public static let eventType = "MerchantRegistered"
    public let merchantId: String
    public let profile: MerchantProfile
    public let at: Date
}

public struct MerchantUpdated: EventPayload {
    public static let eventType = "MerchantUpdated"
    public let profile: MerchantProfile
    public let at: Date
}

/// The merchant stopped trading: no new carts, no new offers; its carts stay readable.
public struct MerchantRetired: EventPayload {
    public static let eventType = "MerchantRetired"
    public let merchantId: String
    public let at: Date
}

public struct MerchantState: Equatable, Sendable {
    public let id: String
    public var profile: MerchantProfile
    /// When the merchant was retired; nil while it is live.
    public var retiredAt: Date? = nil

    /// Live merchants take carts and get offers; retired ones do neither.
    public var isRetired: Bool { retiredAt != nil }
}

/// The merchant decider.
public enum Merchant {
    public enum Command: Equatable, Sendable {
        case register(merchantId: String, MerchantProfile)
        case update(MerchantProfile)
        /// Stop trading; retiring a retired merchant changes nothing.
        case retire
    }

    /// Merchant ids appear in URLs and stream names: short, lowercase, dashes.
    public static func validateID(_ id: String) throws(DomainError) {
        guard (2...40).contains(id.count),
              id.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
            throw .invalid("merchantId must be 2…40 lowercase letters, digits or '-'")
        }
    }

    public static func decide(_ command: Command, state: MerchantState?, now: Date) throws(DomainError) -> [MerchantEvent] {
        switch command {
        case .register(let id, let profile):
            try validateID(id)
            guard state == nil else { throw .rejected("merchant \(id) is already registered") }
            return [.registered(MerchantRegistered(merchantId: id, profile: profile, at: now))]
        case .update(let profile):
            guard let state else { throw .notFound("no such merchant") }
            guard !state.isRetired else { throw .rejected("merchant \(state.id) is retired: its settings no longer change") }
            guard profile.currency == state.profile.currency else { throw .rejected("a merchant's currency cannot change (carts are priced in it)") }
            return profile == state.profile ? [] : [.updated(MerchantUpdated(profile: profile, at: now))]
        case .retire:
            guard let state else { throw .notFound("no such merchant") }
            return state.isRetired ? [] : [.retired(MerchantRetired(merchantId: state.id, at: now))]
        }
    }

    public static func evolve(_ state: MerchantState?, _ event: MerchantEvent) -> MerchantState? {
        switch event {
        case .registered(let registered): MerchantState(id: registered.merchantId, profile: registered.profile)
        case .updated(let updated): state.map { MerchantState(id: $0.id, profile: updated.profile, retiredAt: $0.retiredAt) }
        case .retired(let retired): state.map { MerchantState(id: $0.id, profile: $0.profile, retiredAt: $0.retiredAt ?? retired.at) }
        }
    }
}
