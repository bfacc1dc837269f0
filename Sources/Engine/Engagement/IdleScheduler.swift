import Domain
import EventLog
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Marks carts idle: every `intervalSeconds` it looks in `unconcluded_carts` for carts with
/// no activity for their merchant's idle threshold and appends `CartIdled` to each — only
/// if the cart is still at the version the projection saw, so a shopper's concurrent change
/// wins and the cart is looked at again later. Safe in several processes at once: for each
/// cart version only one `CartIdled` can be appended.
public final class IdleScheduler: Service, Sendable {
    /// Carts examined per pass; the rest wait for the next.
    public static let maxCartsPerPass = 500

    let store: AggregateStore
    let merchants: MerchantDirectory
    let clock: any WallClock
    let intervalSeconds: Double
    let logger: Logger

    public init(store: AggregateStore, merchants: MerchantDirectory, clock: any WallClock, intervalSeconds: Double = 1, logger: Logger) {
        self.store = store
        self.merchants = merchants
        self.clock = clock
        self.intervalSeconds = intervalSeconds
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do { _ = try await pass() } catch {
                logger.warning("idle scheduler pass failed", metadata: ["error": "\(error)"])
            }
            let pause = intervalSeconds
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(pause)) }
        }
    }

    /// One look at the carts; returns how many were marked idle.
    @discardableResult
    public func pass() async throws -> Int {
        let now = clock.now()
        // The smallest threshold a merchant may set (EngagementRules) bounds the candidates.
        let oldest = now.addingTimeInterval(-5)
        let log = store.log
        let client = log.client
        let logger = self.logger
        let candidates = try await log.run("find idle carts") {
            let rows = try await client.query("""
                SELECT cart_id, merchant_id, cart_version, last_activity_at FROM unconcluded_carts
                WHERE idled_at IS NULL AND last_activity_at < \(oldest)
                ORDER BY last_activity_at LIMIT \(Self.maxCartsPerPass)
                """, logger: logger)
            var found: [(UUID, String, Int64, Date)] = []
            for try await row in rows.decode((UUID, String, Int64, Date).self) { found.append(row) }
            return found
        }
        var marked = 0
        for (cartId, merchantId, version, lastActivity) in candidates {
            guard let merchant = try await merchants.merchant(merchantId),
                  now.timeIntervalSince(lastActivity) >= Double(merchant.profile.engagement.idleThresholdSeconds) else { continue }
            do {
                try await store.execute(CartAggregate.self, .cart(cartId), condition: .ifVersion(version)) { state in
                    try Cart.decide(.markIdle(sinceVersion: version), state: state, now: now)
                }
                marked += 1
            } catch EngineError.preconditionFailed {
                continue  // the shopper (or another scheduler) changed the cart first
            } catch let error as DomainError {
                logger.debug("cart not marked idle", metadata: ["cart": "\(cartId)", "reason": "\(error)"])
            }
        }
        return marked
    }
}
