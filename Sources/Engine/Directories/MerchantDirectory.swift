import Domain
import EventLog
import Foundation

/// The registered merchants, read from their streams and cached briefly: a catalog lookup
/// on every add-item must not cost a read. A change made through this process is seen at
/// once (`invalidate`); one made by another process within `maxAge`.
public actor MerchantDirectory {
    /// Most merchants listed.
    public static let maxMerchants = 1_000

    let store: AggregateStore
    let maxAge: Duration
    private var cached: [String: (merchant: Versioned<MerchantState?>, loadedAt: ContinuousClock.Instant)] = [:]

    public init(store: AggregateStore, maxAge: Duration = .seconds(2)) {
        self.store = store
        self.maxAge = maxAge
    }

    public func merchant(_ id: String) async throws -> MerchantState? {
        try await versioned(id).state
    }

    public func versioned(_ id: String) async throws -> Versioned<MerchantState?> {
        if (try? Merchant.validateID(id)) == nil { return Versioned(state: nil, version: 0) }
        if let entry = cached[id], ContinuousClock.now - entry.loadedAt < maxAge { return entry.merchant }
        let loaded = try await store.load(MerchantAggregate.self, try .merchant(id))
        if loaded.state != nil { cached[id] = (loaded, ContinuousClock.now) }
        return loaded
    }

    public func invalidate(_ id: String) { cached[id] = nil }

    /// Every registered merchant, in registration order.
    public func all() async throws -> [MerchantState] {
        let log = store.log
        let client = log.client
        let logger = log.logger
        let ids = try await log.run("list merchants") {
            let rows = try await client.query("""
                SELECT data->>'merchantId' FROM events WHERE event_type = 'MerchantRegistered'
                ORDER BY global_position LIMIT \(Self.maxMerchants)
                """, logger: logger)
            var ids: [String] = []
            for try await id in rows.decode(String.self) { ids.append(id) }
            return ids
        }
        var merchants: [MerchantState] = []
        for id in ids { if let merchant = try await merchant(id) { merchants.append(merchant) } }
        return merchants
    }
}
