import Domain
import EventLog
import Foundation
import Logging
import PostgresNIO

/// `shopper_carts`: every cart ever opened, by shopper, with the position of its
/// `CartOpened` (newest first through `shopper_carts_by_shopper`). `CartDirectory` lists a
/// shopper's carts from it, merged with the `CartOpened` events not applied yet.
public struct ShopperCartsProjection: Projection {
    public static let kind = ProjectionKind(name: "shopper_carts") { ShopperCartsProjection(table: $0) }
    public var name: String { Self.kind.name }
    public let table: ProjectionTable

    public init(table: ProjectionTable) { self.table = table }

    public func apply(_ events: [RecordedEvent], connection: PostgresConnection, logger: Logger) async throws {
        let opened = events.compactMap(Self.opened)
        if opened.isEmpty { return }
        var binds = PostgresBindings()
        binds.append(opened.map(\.cartId))
        binds.append(opened.map(\.shopperId))
        binds.append(opened.map(\.merchantId))
        binds.append(opened.map(\.position))
        _ = try await connection.query(PostgresQuery(unsafeSQL: """
            INSERT INTO \(table) (cart_id, shopper_id, merchant_id, opened_position)
            SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int8[])
            ON CONFLICT (cart_id) DO NOTHING
            """, binds: binds), logger: logger)
    }

    /// A cart's opening as this read model keeps it; nil for any other event.
    static func opened(_ recorded: RecordedEvent) -> (cartId: UUID, shopperId: UUID, merchantId: String, position: Int64)? {
        guard recorded.type == CartOpened.eventType, recorded.stream.hasPrefix("cart-"),
              let opened = try? recorded.data.decode(as: CartOpened.self) else { return nil }
        return (opened.cartId, opened.shopperId, opened.merchantId, recorded.position.globalPosition)
    }
}
