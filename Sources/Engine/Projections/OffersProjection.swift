import Domain
import EventLog
import Foundation
import Logging
import PostgresNIO

/// `offers`: every call offer — its shopper, cart, expiry, when it was made and accepted,
/// and the `CallOffered` payload as the log holds it. Offer look-ups (`OfferQueries`), the
/// scheduler's expiry step and the conversion gauge read it. Each batch is one insert and
/// one update.
public struct OffersProjection: Projection {
    public static let kind = ProjectionKind(name: "offers") { OffersProjection(table: $0) }
    public var name: String { Self.kind.name }
    public let table: ProjectionTable

    public init(table: ProjectionTable) { self.table = table }

    /// The two fields of `OfferAccepted` this table needs: an accept counts even when a
    /// field this build does not read (a new contact mode) stands beside them.
    struct Acceptance: Decodable {
        let offerId: UUID
        let at: Date
    }

    public func apply(_ events: [RecordedEvent], connection: PostgresConnection, logger: Logger) async throws {
        var offered: [(recorded: RecordedEvent, offer: CallOffered)] = []
        var accepted: [UUID: Date] = [:]
        var seenOffers: Set<UUID> = []
        for recorded in events {
            switch recorded.type {
            case CallOffered.eventType:
                // An offer this build cannot read is skipped, as the look-ups always skipped it.
                guard let offer = try? recorded.payload(CallOffered.self), seenOffers.insert(offer.offerId).inserted else { continue }
                offered.append((recorded, offer))
            case OfferAccepted.eventType:
                guard let answer = try? recorded.data.decode(as: Acceptance.self), accepted[answer.offerId] == nil else { continue }
                accepted[answer.offerId] = answer.at  // the first accept counts (a retried one appends nothing)
            default:
                continue
            }
        }
        // Offers first: an accept in the same batch finds its offer.
        if !offered.isEmpty { try await insert(offered, connection: connection, logger: logger) }
        if !accepted.isEmpty { try await markAccepted(accepted, connection: connection, logger: logger) }
    }

    private func insert(_ offered: [(recorded: RecordedEvent, offer: CallOffered)], connection: PostgresConnection, logger: Logger) async throws {
        var binds = PostgresBindings()
        binds.append(offered.map(\.offer.offerId))
        binds.append(offered.map(\.offer.shopperId))
        binds.append(offered.map(\.offer.cartId))
        binds.append(offered.map(\.offer.expiresAt))
        binds.append(offered.map(\.offer.at))
        binds.append(offered.map(\.recorded.data.text))
        binds.append(offered.map(\.recorded.position.globalPosition))
        _ = try await connection.query(PostgresQuery(unsafeSQL: """
            INSERT INTO \(table) (offer_id, shopper_id, cart_id, expires_at, offered_at, offer, offered_position)
            SELECT o, s, c, e, a, d::jsonb, p
            FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::int8[])
              AS u(o, s, c, e, a, d, p)
            ON CONFLICT (offer_id) DO NOTHING
            """, binds: binds), logger: logger)
    }

    private func markAccepted(_ accepted: [UUID: Date], connection: PostgresConnection, logger: Logger) async throws {
        let answers = Array(accepted)
        var binds = PostgresBindings()
        binds.append(answers.map(\.key))
        binds.append(answers.map(\.value))
        _ = try await connection.query(PostgresQuery(unsafeSQL: """
            UPDATE \(table) SET accepted_at = u.a
            FROM unnest($1::uuid[], $2::timestamptz[]) AS u(o, a)
            WHERE \(table).offer_id = u.o AND \(table).accepted_at IS NULL
            """, binds: binds), logger: logger)
    }
}
