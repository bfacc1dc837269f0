import Domain
import EventLog
import Foundation
import PostgresNIO

/// The registered merchants, read from their streams and cached briefly: a catalog lookup
/// on every add-item must not cost a read. A change made through this process is seen at
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
    /// (by registration order; nil: from the first).
    public func page(after: String?, limit: Int) async throws -> Page {
        let limit = min(max(limit, 1), Self.maxMerchants)
        let log = store.log
        let client = log.client
        let logger = log.logger
        // One more than asked tells whether a next page exists.
        let fetch = limit + 1
        let ids = try await log.run("list merchants") {
            var ids: [String] = []
            if let after {
                let rows = try await client.query("""
                    SELECT data->>'merchantId' FROM events WHERE event_type = 'MerchantRegistered'
                    AND global_position > COALESCE((SELECT min(global_position) FROM events
                        WHERE event_type = 'MerchantRegistered' AND data->>'merchantId' = \(after)), 0)
                    ORDER BY global_position LIMIT \(fetch)
                    """, logger: logger)
                for try await id in rows.decode(String.self) { ids.append(id) }
            } else {
                let rows = try await client.query("""
                    SELECT data->>'merchantId' FROM events WHERE event_type = 'MerchantRegistered'
                    ORDER BY global_position LIMIT \(fetch)
                    """, logger: logger)
                for try await id in rows.decode(String.self) { ids.append(id) }
            }
            return ids
        }
        var merchants: [MerchantState] = []
        for id in ids.prefix(limit) { if let merchant = try await versioned(id).state { merchants.append(merchant) } }
        return Page(merchants: merchants, nextAfter: ids.count > limit ? ids.prefix(limit).last : nil)
    }
}
