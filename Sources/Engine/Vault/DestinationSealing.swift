import EventLog
import Foundation
import Logging
import PostgresNIO

/// Seals the destinations of `CallRequested` events written before destinations were
/// sealed (phone numbers and SIP URIs in clear, in `call-…` and `engagement-…` streams).
///
/// This is the one sanctioned rewrite of stored events: erasing a shopper must be able to
/// make their number unreadable (crypto-shredding), which a number in clear defeats. Only
/// the `destination` field changes, to the same value sealed under the shopper's key; each
/// batch is one transaction with the log's immutability trigger bypassed for that
/// transaction alone (`session_replication_role = replica`, so it needs a superuser or the
/// table's owner). Running it again finds nothing left to seal.
public struct DestinationSealing: Sendable {
    public static let batchSize = 500

    let log: EventLog
    let vault: PersonalDataVault

    public init(log: EventLog, vault: PersonalDataVault) {
        self.log = log
        self.vault = vault
    }

    /// Seals every destination still in clear; returns how many events changed.
    public func sealAll() async throws -> Int {
        var total = 0
        while true {
            let rows = try await unsealed()
            if rows.isEmpty { return total }
            var sealed: [(position: Int64, destination: String)] = []
            for row in rows {
                sealed.append((row.position, try await vault.seal(row.destination, for: row.shopperId)))
            }
            try await rewrite(sealed)
            total += sealed.count
        }
    }

    private func unsealed() async throws -> [(position: Int64, shopperId: UUID, destination: String)] {
        let client = log.client
        let logger = log.logger
        let limit = Self.batchSize
        let prefix = PersonalDataVault.sealedPrefix
        return try await log.run("find unsealed destinations") {
            let rows = try await client.query("""
                SELECT global_position, (data->>'shopperId')::uuid, data->>'destination' FROM events
                WHERE event_type = 'CallRequested' AND NOT starts_with(data->>'destination', \(prefix))
                ORDER BY global_position LIMIT \(limit)
                """, logger: logger)
            var found: [(Int64, UUID, String)] = []
            for try await row in rows.decode((Int64, UUID, String).self) { found.append(row) }
            return found
        }
    }

    private func rewrite(_ sealed: [(position: Int64, destination: String)]) async throws {
        let positions = sealed.map(\.position)
        let destinations = sealed.map(\.destination)
        let logger = log.logger
        _ = try await log.client.withTransaction(logger: logger) { connection in
            _ = try await connection.query("SET LOCAL session_replication_role = replica", logger: logger)
            _ = try await connection.query("""
                UPDATE events e SET data = jsonb_set(e.data, '{destination}', to_jsonb(s.destination))
                FROM UNNEST(\(positions)::bigint[], \(destinations)::text[]) AS s(position, destination)
                WHERE e.global_position = s.position AND e.event_type = 'CallRequested'
                """, logger: logger)
            // The merchant_calls read model keeps the request as stored: it gets the sealed
            // copy in the same transaction, so no clear destination outlives the rewrite.
            _ = try await connection.query("""
                UPDATE merchant_calls m SET request = e.data
                FROM events e
                WHERE e.global_position = ANY(\(positions)::bigint[]) AND e.event_type = 'CallRequested'
                  AND m.call_id = (e.data->>'callId')::uuid
                """, logger: logger)
        }
    }
}
