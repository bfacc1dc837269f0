import Domain
import EventLog
import Foundation
import PostgresNIO

/// The look-ups behind offers and callbacks, over the read models `offers` and
/// `engagement_schedule` (migration 0010).
///
/// The look-ups a shopper's request makes (`offer(id:)`, `offers(ofShopper:limit:)`) read
/// their own writes: an accept can arrive the moment the offer reached the page, before the
/// projector applied it, so they also read the offers the projection has not applied yet
/// (first, then the table: `EventLog.unappliedEvents`) and merge the two by offer id. The
/// clock-driven ones read the tables only: they look back `lookbackSeconds`, far longer
/// than the projection's lag.
struct OfferQueries: Sendable {
    /// How far back the clock-driven steps look: an offer that lapsed, or a callback that
    /// fell due, longer ago than this while no scheduler ran is left as it is (an expired
    /// offer cannot be accepted anyway).
    static let lookbackSeconds = 600.0
    /// The checkpoint of the projection that keeps `offers`.
    static let offersConsumer = OffersProjection.kind.live.consumer

    /// An offer and its place in the log (for "newest first").
    private struct Placed {
        let offer: CallOffered
        let position: Int64
    }

    let log: EventLog

    func offer(id: UUID) async throws -> CallOffered? {
        let pending = try await unappliedOffers()
        if let found = pending.first(where: { $0.offer.offerId == id }) { return found.offer }
        return try await storedOffers("find offer", """
            SELECT offer::text, offered_position FROM offers WHERE offer_id = \(id)
            """).first?.offer
    }

    /// Newest first.
    func offers(ofShopper shopperId: UUID, limit: Int) async throws -> [CallOffered] {
        let pending = try await unappliedOffers().filter { $0.offer.shopperId == shopperId }
        let stored = try await storedOffers("list offers", """
            SELECT offer::text, offered_position FROM offers WHERE shopper_id = \(shopperId)
            ORDER BY offered_position DESC LIMIT \(limit)
            """)
        // An offer applied between the two reads is in both.
        var byId: [UUID: Placed] = [:]
        for placed in pending + stored { byId[placed.offer.offerId] = placed }
        return byId.values.sorted { $0.position > $1.position }.prefix(max(0, limit)).map(\.offer)
    }

    /// Offers whose expiry lies in the lookback window up to `now`.
    func offersLapsed(by now: Date, limit: Int) async throws -> [CallOffered] {
        let from = now.addingTimeInterval(-Self.lookbackSeconds)
        return try await storedOffers("find lapsed offers", """
            SELECT offer::text, offered_position FROM offers WHERE expires_at > \(from) AND expires_at <= \(now)
            ORDER BY expires_at LIMIT \(limit)
            """).map(\.offer)
    }

    /// Carts with a callback due in the lookback window up to `now`.
    func cartsWithCallbacksDue(by now: Date, limit: Int) async throws -> [UUID] {
        let from = now.addingTimeInterval(-Self.lookbackSeconds)
        return try await carts("find due callbacks", """
            SELECT cart_id FROM engagement_schedule WHERE callback_at > \(from) AND callback_at <= \(now)
            ORDER BY callback_at LIMIT \(limit)
            """)
    }

    /// Carts whose latest evaluation said "look again at" a time now come (quiet hours ended).
    func cartsToReconsider(by now: Date, limit: Int) async throws -> [UUID] {
        let from = now.addingTimeInterval(-Self.lookbackSeconds)
        return try await carts("find carts to reconsider", """
            SELECT cart_id FROM engagement_schedule WHERE reconsider_at > \(from) AND reconsider_at <= \(now)
            ORDER BY reconsider_at LIMIT \(limit)
            """)
    }

    /// The offers committed after the projection's checkpoint, in log order.
    private func unappliedOffers() async throws -> [Placed] {
        let events = try await log.unappliedEvents(consumer: Self.offersConsumer, types: [CallOffered.eventType])
        // One the projection cannot read it skips too.
        return events.compactMap { recorded in
            (try? recorded.payload(CallOffered.self)).map { Placed(offer: $0, position: recorded.position.globalPosition) }
        }
    }

    /// Rows of (payload, position) from `offers`.
    private func storedOffers(_ operation: String, _ query: PostgresQuery) async throws -> [Placed] {
        let client = log.client
        let logger = log.logger
        return try await log.run(operation) {
            var found: [Placed] = []
            for try await (text, position) in try await client.query(query, logger: logger).decode((String, Int64).self) {
                if let offer = try? JSONPayload(validating: text).decode(as: CallOffered.self) { found.append(Placed(offer: offer, position: position)) }
            }
            return found
        }
    }

    /// The carts `query` selects (one `cart_id` column).
    private func carts(_ operation: String, _ query: PostgresQuery) async throws -> [UUID] {
        let client = log.client
        let logger = log.logger
        return try await log.run(operation) {
            var carts: [UUID] = []
            for try await cartId in try await client.query(query, logger: logger).decode(UUID.self) { carts.append(cartId) }
            return carts
        }
    }
}
