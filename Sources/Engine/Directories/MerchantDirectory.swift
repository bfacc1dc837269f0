import Domain
import EventLog
import Foundation
import PostgresNIO

/// The registered merchants, listed from the `merchant_registry` read model, read from their
/// streams and cached briefly: a catalog lookup on every add-item must not cost a read. A change made through this process is seen at
/// once (`invalidate`); one made by another process within `maxAge`.
///
/// `merchant(_:)` answers live merchants only. Everything in the engine that acts for a
/// merchant (opening carts, adding items, idle marks, the engagement saga, offers, help)
/// asks it, so a retired merchant is never offered a call by construction; `versioned(_:)`
/// and the lists also show retired ones, for administration.
public actor MerchantDirectory {
    /// Most merchants listed.
    public static let maxMerchants = 1_000

    /// One page of merchants in registration order.
    public struct Page: Sendable {
        public let merchants: [MerchantState]
        /// The id to pass as `after` for the next page; nil on the last one.
        public let nextAfter: String?
    }

    let store: AggregateStore
    let maxAge: Duration
    private var cached: [String: (merchant: Versioned<MerchantState?>, loadedAt: ContinuousClock.Instant)] = [:]

    public init(store: AggregateStore, maxAge: Duration = .seconds(2)) {
        self.store = store
        self.maxAge = maxAge
    }

    /// A live merchant; nil when unknown or retired.
    public func merchant(_ id: String) async throws -> MerchantState? {
        guard let merchant = try await versioned(id).state, !merchant.isRetired else { return nil }
        return merchant
    }

    /// The merchant a new cart is opened at: unknown is `notFound`, retired is `rejected`.
    public func merchantTakingCarts(_ id: String) async throws -> MerchantState {
        guard let merchant = try await versioned(id).state else { throw DomainError.notFound("no merchant \(id)") }
        guard !merchant.isRetired else {
            throw DomainError.rejected("merchant \(id) has retired and takes no new carts; carts opened before stay readable")
        }
        return merchant
    }

    /// Any registered merchant, retired ones included, with its stream version.
    public func versioned(_ id: String) async throws -> Versioned<MerchantState?> {
        if (try? Merchant.validateID(id)) == nil { return Versioned(state: nil, version: 0) }
        if let entry = cached[id], ContinuousClock.now - entry.loadedAt < maxAge { return entry.merchant }
        let loaded = try await store.load(MerchantAggregate.self, try .merchant(id))
        if loaded.state != nil { cached[id] = (loaded, ContinuousClock.now) }
        return loaded
    }

    public func invalidate(_ id: String) { cached[id] = nil }

    /// Every registered merchant, retired ones included, in registration order (at most
    /// `maxMerchants`).
    public func all() async throws -> [MerchantState] {
        try await page(after: nil, limit: Self.maxMerchants).merchants
    }

    /// The live merchants, in registration order (at most `maxMerchants`).
    public func live() async throws -> [MerchantState] {
        try await all().filter { !$0.isRetired }
    }

    /// Up to `limit` (1…`maxMerchants`) registered merchants after the merchant `after`
    /// (by registration order; nil or unknown: from the first).
    public func page(after: String?, limit: Int) async throws -> Page {
        let limit = min(max(limit, 1), Self.maxMerchants)
        let log = store.log
        // The `merchant_registry` read model, merged with the registrations its projection has
        // not applied yet (read first: together they hold every merchant registered before
        // this call; one applied in between shows in both, and the merge keeps it once).
        let unapplied = try await log.unappliedEvents(consumer: MerchantRegistryProjection.kind.live.consumer,
                                                      types: [MerchantRegistered.eventType])
            .compactMap(MerchantRegistryProjection.registered)
        let client = log.client
        let logger = log.logger
        // One more than asked tells whether a next page exists.
        let fetch = limit + 1
        let (lowerBound, stored) = try await log.run("list merchants") {
            // Where `after` stands: among the unapplied, else in the table (unknown: the start).
            var lowerBound = after.flatMap { id in unapplied.first { $0.merchantId == id }?.position } ?? 0
            if let after, lowerBound == 0 {
                let rows = try await client.query("SELECT registered_position FROM merchant_registry WHERE merchant_id = \(after)", logger: logger)
                for try await position in rows.decode(Int64.self) { lowerBound = position }
            }
            let rows = try await client.query("""
                SELECT merchant_id, registered_position FROM merchant_registry WHERE registered_position > \(lowerBound)
                ORDER BY registered_position LIMIT \(fetch)
                """, logger: logger)
            var found: [(merchantId: String, position: Int64)] = []
            for try await row in rows.decode((String, Int64).self) { found.append((row.0, row.1)) }
            return (lowerBound, found)
        }
        var positions: [String: Int64] = [:]
        for registration in unapplied where registration.position > lowerBound { positions[registration.merchantId] = registration.position }
        for registration in stored { positions[registration.merchantId] = registration.position }
        let ids = positions.sorted { $0.value < $1.value }.prefix(fetch).map(\.key)
        var merchants: [MerchantState] = []
        for id in ids.prefix(limit) { if let merchant = try await versioned(id).state { merchants.append(merchant) } }
        return Page(merchants: merchants, nextAfter: ids.count > limit ? ids.prefix(limit).last : nil)
    }
}
