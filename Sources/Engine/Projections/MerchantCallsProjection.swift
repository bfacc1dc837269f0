import Domain
import EventLog
import Foundation
import Logging
import PostgresNIO

/// `merchant_calls`: every call requested (from `call-` streams), by merchant, newest first
/// through `merchant_calls_by_merchant`, with its `CallRequested` as stored and whether it
/// is over (`CallEnded` or `CallFailed`). The agent console lists calls from it.
public struct MerchantCallsProjection: Projection {
    public static let kind = ProjectionKind(name: "merchant_calls") { MerchantCallsProjection(table: $0) }
    public var name: String { Self.kind.name }
    public let table: ProjectionTable

    /// The event types this read model follows.
    static let eventTypes = [CallRequested.eventType, CallEnded.eventType, CallFailed.eventType]

    public init(table: ProjectionTable) { self.table = table }

    public func apply(_ events: [RecordedEvent], connection: PostgresConnection, logger: Logger) async throws {
        var requested: [(call: CallRequested, position: Int64, text: String)] = []
        var finished: [UUID] = []
        for recorded in events where recorded.stream.hasPrefix("call-") {
            switch Self.fact(recorded) {
            case .requested(let call)?: requested.append((call, recorded.position.globalPosition, recorded.data.text))
            case .finished(let callId)?: finished.append(callId)
            case nil: continue
            }
        }
        if !requested.isEmpty {
            var binds = PostgresBindings()
            binds.append(requested.map(\.call.callId))
            binds.append(requested.map(\.call.merchantId))
            binds.append(requested.map(\.call.at))
            binds.append(requested.map(\.position))
            binds.append(requested.map(\.text))
            _ = try await connection.query(PostgresQuery(unsafeSQL: """
                INSERT INTO \(table) (call_id, merchant_id, requested_at, requested_position, request)
                SELECT c, m, a, p, r::jsonb FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::int8[], $5::text[]) AS u(c, m, a, p, r)
                ON CONFLICT (call_id) DO NOTHING
                """, binds: binds), logger: logger)
        }
        if !finished.isEmpty {
            var binds = PostgresBindings()
            binds.append(finished)
            _ = try await connection.query(PostgresQuery(unsafeSQL: "UPDATE \(table) SET finished = true WHERE call_id = ANY($1::uuid[])",
                                                         binds: binds), logger: logger)
        }
    }

    /// What one event says about a merchant's call.
    enum Fact {
        case requested(CallRequested)
        case finished(UUID)
    }

    /// The fact `recorded` states for this read model; nil for events it does not follow.
    static func fact(_ recorded: RecordedEvent) -> Fact? {
        guard recorded.stream.hasPrefix("call-") else { return nil }
        switch recorded.type {
        case CallRequested.eventType: return (try? recorded.data.decode(as: CallRequested.self)).map(Fact.requested)
        case CallEnded.eventType: return (try? recorded.data.decode(as: CallEnded.self)).map { .finished($0.callId) }
        case CallFailed.eventType: return (try? recorded.data.decode(as: CallFailed.self)).map { .finished($0.callId) }
        default: return nil
        }
    }
}
