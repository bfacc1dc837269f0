import EventLog
import Foundation
import PostgresNIO

/// Finds a shopper's carts in the log (through the partial index of migration 0002) until
/// the projections of issue 4 keep a read model.
public struct CartDirectory: Sendable {
    /// Most carts listed for one shopper.
    public static let maxCarts = 200

    let log: EventLog

    public init(log: EventLog) { self.log = log }

    /// Newest first. `CartOpened` stores the shopper id as Foundation encodes UUIDs (upper case).
    public func cartIDs(of shopperId: UUID) async throws -> [UUID] {
        let client = log.client
        let logger = log.logger
        return try await log.run("list carts") {
            let rows = try await client.query("""
                SELECT data->>'cartId' FROM events
                WHERE event_type = 'CartOpened' AND data->>'shopperId' = \(shopperId.uuidString)
                ORDER BY global_position DESC LIMIT \(Self.maxCarts)
                """, logger: logger)
            var ids: [UUID] = []
            for try await text in rows.decode(String.self) {
                if let id = UUID(uuidString: text) { ids.append(id) }
            }
            return ids
        }
    }
}
