import Domain
import EventLog
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// The engine's clock-driven steps, every `intervalSeconds`:
/// - marks carts idle: carts in `unconcluded_carts` with no activity for their merchant's
///   idle threshold (their `idle_due_at` has come) get `CartIdled` — only if the cart is still at the version the
///   projection saw, so a shopper's concurrent change wins and the cart is looked at again;
/// - expires offers: an offer still open past its expiry gets `OfferExpired`;
/// - places callbacks: a help request answered "callback" gets its call when the time comes;
/// - looks again at carts only the shopper's quiet hours kept from an offer, once they end.
/// Safe in several processes at once: each append is conditional on the stream's version.
public final class IdleScheduler: Service, Sendable {
    /// Carts examined per pass; the rest wait for the next.
    public static let maxCartsPerPass = 2_000
    /// Seconds between looks for lapsed offers and due callbacks.
    static let slowStepSeconds = 1.0
    /// Appends in flight at once; they share group commits.
    static let concurrentAppends = 32

    let store: AggregateStore
    let merchants: MerchantDirectory
    let clock: any WallClock
    /// With these, the scheduler also places the callbacks help requests promised.
    let callbacks: (offers: OfferService, preferences: PreferencesService)?
    let intervalSeconds: Double
    let logger: Logger

    public init(store: AggregateStore, merchants: MerchantDirectory, clock: any WallClock, intervalSeconds: Double = 0.2,
                callbacks: (offers: OfferService, preferences: PreferencesService)? = nil, logger: Logger) {
        self.callbacks = callbacks
        self.store = store
        self.merchants = merchants
        self.clock = clock
        self.intervalSeconds = intervalSeconds
        self.logger = logger
    }

    public func run() async throws {
        var lastSlowSteps = ContinuousClock.now - .seconds(Self.slowStepSeconds)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            var pause = intervalSeconds
            do {
                _ = try await pass()
                // Expiry and callbacks are not latency-critical: once a second, not every look.
                if ContinuousClock.now - lastSlowSteps >= .seconds(Self.slowStepSeconds) {
                    lastSlowSteps = ContinuousClock.now
                    _ = try await expireOffers()
                    _ = try await reconsiderAfterQuietHours()
                    if let callbacks { _ = try await callbacks.offers.placeDueCallbacks(preferences: callbacks.preferences) }
                }
                // Wake when the next cart is due, if that is sooner than the next look.
                if let due = try await nextDue() { pause = min(pause, max(0.02, due.timeIntervalSince(clock.now()))) }
            } catch {
                logger.warning("idle scheduler pass failed", metadata: ["error": "\(error)"])
            }
            let sleep = pause
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(sleep)) }
        }
    }

    /// One look at the carts; returns how many were marked idle.
    @discardableResult
    public func pass() async throws -> Int {
        let now = clock.now()
        let log = store.log
        let client = log.client
        let logger = self.logger
        // Due carts only, through the partial index on `idle_due_at` (migration 0011): a look
        // reads the carts falling due, not every abandoned cart still waiting.
        let candidates = try await log.run("find idle carts") {
            let rows = try await client.query("""
                SELECT cart_id, merchant_id, cart_version, last_activity_at FROM unconcluded_carts
                WHERE idled_at IS NULL AND idle_due_at <= \(now)
                ORDER BY idle_due_at LIMIT \(Self.maxCartsPerPass)
                """, logger: logger)
            var found: [(UUID, String, Int64, Date)] = []
            for try await row in rows.decode((UUID, String, Int64, Date).self) { found.append(row) }
            return found
        }
        let marked = SharedCount()
        let store = self.store
        let merchants = self.merchants
        try await forEachConcurrently(candidates, limit: Self.concurrentAppends) { candidate in
            let (cartId, merchantId, version, lastActivity) = candidate
            guard let merchant = try await merchants.merchant(merchantId),
                  now.timeIntervalSince(lastActivity) >= Double(merchant.profile.engagement.idleThresholdSeconds) else { return }
            // The projection may lag a change the shopper just made: that change wins.
            guard try await store.load(CartAggregate.self, .cart(cartId)).version == version else { return }
            do {
                // The mark never touches the cart's stream: the shopper's next change must not
                // find a version it did not make. One mark per cart version (ids derive from it).
                var markedNow = false
                try await store.execute(EngagementAggregate.self, .engagement(cartId),
                                        eventIDs: .derived(from: "idle:\(cartId.uuidString.lowercased()):\(version)")) { state in
                    let events = EngagementSaga.markIdle(sinceVersion: version, cartHasItems: true, state: state, now: now)
                    markedNow = !events.isEmpty
                    return events
                }
                if markedNow { marked.increment() }
            } catch EventLogError.eventIdConflict {
                return  // another scheduler marked this version first
            }
        }
        return marked.value
    }

    /// Appends `OfferExpired` to offers still open past their expiry; returns how many.
    @discardableResult
    public func expireOffers() async throws -> Int {
        let now = clock.now()
        let due = try await OfferQueries(log: store.log).offersLapsed(by: now, limit: Self.maxCartsPerPass)
        var expired = 0
        for offer in due {
            let engagement = try await store.load(EngagementAggregate.self, .engagement(offer.cartId))
            guard engagement.state.openOffer?.offerId == offer.offerId else { continue }
            do {
                let after = try await store.execute(EngagementAggregate.self, .engagement(offer.cartId), condition: .ifVersion(engagement.version),
                                                    eventIDs: .derived(from: "expire:\(offer.offerId.uuidString)")) { state in
                    EngagementSaga.expire(offerId: offer.offerId, state: state, now: now)
                }
                if after.version > engagement.version {
                    expired += 1
                    BusinessMetrics.offer("expired")
                }
            } catch EngineError.preconditionFailed {
                continue  // answered (or expired) elsewhere meanwhile
            } catch EventLogError.eventIdConflict {
                continue
            }
        }
        return expired
    }

    /// Marks idle again the carts whose evaluation only quiet hours refused, once those end,
    /// so the saga decides anew (under every rule). Returns how many.
    @discardableResult
    public func reconsiderAfterQuietHours() async throws -> Int {
        let now = clock.now()
        var marked = 0
        for cartId in try await OfferQueries(log: store.log).cartsToReconsider(by: now, limit: Self.maxCartsPerPass) {
            let cart = try await store.load(CartAggregate.self, .cart(cartId))
            guard let state = cart.state, state.status != .completed else { continue }
            let engagement = try await store.load(EngagementAggregate.self, .engagement(cartId))
            guard let evaluation = engagement.state.lastEvaluation else { continue }
            do {
                let after = try await store.execute(EngagementAggregate.self, .engagement(cartId), condition: .ifVersion(engagement.version),
                                                    eventIDs: .derived(from: "reconsider:\(evaluation.cause.uuidString)")) { current in
                    EngagementSaga.reconsider(cartVersion: cart.version, cartHasItems: !state.lines.isEmpty, state: current, now: now)
                }
                if after.version > engagement.version { marked += 1 }
            } catch EngineError.preconditionFailed {
                continue  // the engagement moved on meanwhile: the next look sees it
            } catch EventLogError.eventIdConflict {
                continue  // another scheduler did it
            }
        }
        return marked
    }

    /// When the next cart not yet idle reaches its merchant's idle threshold (nil: none waits).
    public func nextDue() async throws -> Date? {
        let log = store.log
        let client = log.client
        let logger = self.logger
        return try await log.run("next idle cart") {
            let rows = try await client.query("SELECT min(idle_due_at) FROM unconcluded_carts WHERE idled_at IS NULL", logger: logger)
            for try await due in rows.decode(Date?.self) { return due }
            return nil
        }
    }
}
