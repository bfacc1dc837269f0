import Domain
import EventLog
import Foundation
import Logging
import PostgresNIO

/// `merchant_registry`: every registered merchant (retired ones too) with the position of its
/// `MerchantRegistered`, which is the registration order `MerchantDirectory` pages in.
public struct MerchantRegistryProjection: Projection {
    public static let kind = ProjectionKind(name: "merchant_registry") { MerchantRegistryProjection(table: $0) }
    public var name: String { Self.kind.name }
    public let table: ProjectionTable

    public init(table: ProjectionTable) { self.table = table }

    public func apply(_ events: [RecordedEvent], connection: PostgresConnection, logger: Logger) async throws {
        let registered = events.compactMap(Self.registered)
        if registered.isEmpty { return }
        var binds = PostgresBindings()
        binds.append(registered.map(\.merchantId))
        binds.append(registered.map(\.position))
        _ = try await connection.query(PostgresQuery(unsafeSQL: """
            INSERT INTO \(table) (merchant_id, registered_position)
            SELECT * FROM unnest($1::text[], $2::int8[]) ON CONFLICT DO NOTHING
            """, binds: binds), logger: logger)
    }

    /// A registration as this read model keeps it; nil for any other event.
    static func registered(_ recorded: RecordedEvent) -> (merchantId: String, position: Int64)? {
        guard recorded.type == MerchantRegistered.eventType, recorded.stream.hasPrefix("merchant-") else { return nil }
        // The id is the stream's: no need to decode the profile (and its catalog).
        return (String(recorded.stream.dropFirst("merchant-".count)), recorded.position.globalPosition)
    }
}
