import Foundation
import PostgresNIO

/// The group commit's light statement: each append's expected version checked and its
/// events inserted in stream order — without looking for stored ids or reporting why not.
/// Returns a row per inserted event; an append with none was not inserted (the full
/// `AppendBatchStatement` then says why), and a stored id or a version another process took
/// makes the database refuse the whole statement (a unique violation).
struct LightBatchStatement: PostgresPreparedStatement {
    static let name = "cartline_append_light_v2"

    typealias Row = (UUID, Int64, Int64, Int64)

    // No join between appends and events (a join of two unnested arrays is planned for a
    // hundred rows each and became quadratic on bulk batches): each event looks up its
    // stream's version itself, through the (stream_id, stream_version) index, and carries its
    // append's expectation. All events of one append see the same snapshot, so they agree.
    static let sql = """
        INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
        SELECT ev.stream, cur.actual + ev.off + 1, ev.id, ev.type, ev.schema, ev.data::jsonb, ev.metadata::jsonb
        FROM UNNEST($1::int8[], $2::text[], $3::uuid[], $4::text[], $5::int2[], $6::text[], $7::text[], $8::int8[])
               AS ev(off, stream, id, type, schema, data, metadata, expected)
        CROSS JOIN LATERAL (SELECT COALESCE(max(x.stream_version), 0) AS actual FROM events x WHERE x.stream_id = ev.stream) AS cur
        WHERE ev.expected = -1 OR ev.expected = cur.actual
        ORDER BY ev.stream, ev.off
        RETURNING event_id, stream_version, tx_id::text::int8, global_position
        """

    let arrays: BatchArrays

    init(_ arrays: BatchArrays) { self.arrays = arrays }

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 8)
        bindings.append(arrays.eventOffset)
        bindings.append(arrays.eventStream)
        bindings.append(arrays.ids)
        bindings.append(arrays.types)
        bindings.append(arrays.schemas)
        bindings.append(arrays.data)
        bindings.append(arrays.metadata)
        bindings.append(arrays.eventExpected)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}
