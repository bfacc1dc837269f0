import Domain
import EventLog
import Foundation
import PostgresNIO

/// Finds a shopper's carts: the `shopper_carts` read model, merged with the `CartOpened`
/// events its projection has not applied yet, so a shopper sees a cart they just opened.
public struct CartDirectory: Sendable {
    /// Most carts listed for one shopper.
    public static let maxCarts = 200

    let log: EventLog

    public init(log: EventLog) { self.log = log }

    /// Newest first (by the position of their `CartOpened`).
    public func cartIDs(of shopperId: UUID) async throws -> [UUID] {
        // The unapplied events first, the table second: together they hold every cart opened
        // before this call (one applied in between shows in both; the merge keeps it once).
        let unapplied = try await log.unappliedEvents(consumer: ShopperCartsProjection.kind.live.consumer, types: [CartOpened.eventType])
        var positions: [UUID: Int64] = [:]
        for opened in unapplied.compactMap(ShopperCartsProjection.opened) where opened.shopperId == shopperId {
            positions[opened.cartId] = opened.position
        }
        let client = log.client
        let logger = log.logger
        let stored = try await log.run("list carts") {
            let rows = try await client.query("""
                SELECT cart_id, opened_position FROM shopper_carts WHERE shopper_id = \(shopperId)
                ORDER BY opened_position DESC LIMIT \(Self.maxCarts)
                """, logger: logger)
            var found: [(UUID, Int64)] = []
            for try await row in rows.decode((UUID, Int64).self) { found.append(row) }
            return found
        }
        for (cartId, position) in stored { positions[cartId] = position }
        return positions.sorted { $0.value > $1.value }.prefix(Self.maxCarts).map(\.key)
    }
}
