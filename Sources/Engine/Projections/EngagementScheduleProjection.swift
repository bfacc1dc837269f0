import Domain
import EventLog
import Foundation
import Logging
import PostgresNIO

/// `engagement_schedule`: per cart, what the scheduler's clock waits for — the callback the
/// latest help request promised (`callback_at`) and when the latest evaluation said to look
/// again (`reconsider_at`, the end of the shopper's quiet hours). Both follow the engagement
/// state the scheduler checks before it acts (`pendingCallbackAt`, `lastEvaluation`), so
/// a superseded time leaves the table instead of lingering as a candidate. A cart with
/// neither has no row. Each batch is folded in memory per cart, then written with one
/// upsert and one delete.
public struct EngagementScheduleProjection: Projection {
    public static let kind = ProjectionKind(name: "engagement_schedule") { EngagementScheduleProjection(table: $0) }
    public var name: String { Self.kind.name }
    public let table: ProjectionTable

    public init(table: ProjectionTable) { self.table = table }

    /// One cart's row.
    struct Slots: Equatable {
        var callbackAt: Date?
        var reconsiderAt: Date?

        var isEmpty: Bool { callbackAt == nil && reconsiderAt == nil }
    }

    /// The events that move a cart's schedule; the rest leave it as it is.
    static let eventTypes: Set<String> = [HelpRequested.eventType, CallRequested.eventType, EngagementEvaluated.eventType]

    public func apply(_ events: [RecordedEvent], connection: PostgresConnection, logger: Logger) async throws {
        var changes: [(cartId: UUID, event: EngagementEvent)] = []
        for recorded in events where Self.eventTypes.contains(recorded.type) && recorded.stream.hasPrefix("engagement-") {
            guard let cartId = UUID(uuidString: String(recorded.stream.dropFirst("engagement-".count))) else { continue }
            // An event this build cannot read is skipped, as the scheduler's look-ups always skipped it.
            guard let event = try? EngagementEvent(recorded: recorded) else { continue }
            changes.append((cartId, event))
        }
        if changes.isEmpty { return }
        var rows = try await load(Array(Set(changes.map(\.cartId))), connection: connection, logger: logger)
        for (cartId, event) in changes { Self.fold(event, into: &rows[cartId, default: Slots()]) }
        try await write(rows, connection: connection, logger: logger)
    }

    /// How one engagement event moves a cart's schedule, as `EngagementSaga.evolve` moves
    /// `pendingCallbackAt` and `lastEvaluation`.
    static func fold(_ event: EngagementEvent, into slots: inout Slots) {
        switch event {
        case .helpRequested(let help):
            slots.callbackAt = help.action == "callback" ? help.callbackAt : nil
        case .callRequested:
            slots.callbackAt = nil
        case .evaluated(let evaluated):
            slots.reconsiderAt = evaluated.reconsiderAt
        case .idled, .offered, .declined, .accepted, .expired:
            break
        }
    }

    private func load(_ cartIds: [UUID], connection: PostgresConnection, logger: Logger) async throws -> [UUID: Slots] {
        var binds = PostgresBindings()
        binds.append(cartIds)
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT cart_id, callback_at, reconsider_at FROM \(table) WHERE cart_id = ANY($1::uuid[]) FOR UPDATE
            """, binds: binds), logger: logger)
        var found: [UUID: Slots] = [:]
        for try await (cartId, callbackAt, reconsiderAt) in rows.decode((UUID, Date?, Date?).self) {
            found[cartId] = Slots(callbackAt: callbackAt, reconsiderAt: reconsiderAt)
        }
        return found
    }

    private func write(_ rows: [UUID: Slots], connection: PostgresConnection, logger: Logger) async throws {
        let keep = Array(rows.filter { !$0.value.isEmpty })
        let drop = rows.filter { $0.value.isEmpty }.map(\.key)
        if !drop.isEmpty {
            var binds = PostgresBindings()
            binds.append(drop)
            _ = try await connection.query(PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE cart_id = ANY($1::uuid[])", binds: binds), logger: logger)
        }
        if keep.isEmpty { return }
        // Arrays cannot hold NULL through these binds: a flag says whether each time is there.
        let placeholder = Date(timeIntervalSince1970: 0)
        var binds = PostgresBindings()
        binds.append(keep.map(\.key))
        binds.append(keep.map { $0.value.callbackAt != nil })
        binds.append(keep.map { $0.value.callbackAt ?? placeholder })
        binds.append(keep.map { $0.value.reconsiderAt != nil })
        binds.append(keep.map { $0.value.reconsiderAt ?? placeholder })
        _ = try await connection.query(PostgresQuery(unsafeSQL: """
            INSERT INTO \(table) (cart_id, callback_at, reconsider_at)
            SELECT c, CASE WHEN hc THEN cb END, CASE WHEN hr THEN rc END
            FROM unnest($1::uuid[], $2::bool[], $3::timestamptz[], $4::bool[], $5::timestamptz[]) AS u(c, hc, cb, hr, rc)
            ON CONFLICT (cart_id) DO UPDATE SET callback_at = EXCLUDED.callback_at, reconsider_at = EXCLUDED.reconsider_at
            """, binds: binds), logger: logger)
    }
}
