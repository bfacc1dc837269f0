import Foundation
import PostgresNIO

/// The group commit's one statement, as a named prepared statement: every check and the
/// insert of a batch in one round trip (see `AppendBatchWriter` for what it guarantees).
/// The arrays are `BatchArrays`.
/// Rows are inserted in stream order, so two processes whose batches touch the same streams
/// take the index's locks in the same order and cannot deadlock each other.
struct AppendBatchStatement: PostgresPreparedStatement {
    static let name = "cartline_append_batch_v1"

    /// `i` inserted event, `c` an append's current stream version, `s` an event id already stored.
    typealias Row = (String, Int32, UUID?, String?, Int64, Int64?, Int64?, Bool?)

    static let sql = """
            WITH ev AS (
              SELECT * FROM UNNEST($1::int4[], $2::int8[], $3::text[], $4::uuid[],
                                   $5::text[], $6::int2[], $7::text[], $8::text[])
                       AS e(req, off, stream, id, type, schema, data, metadata)
            ), cur AS (
              SELECT r.req, r.expected,
                     COALESCE((SELECT max(x.stream_version) FROM events x WHERE x.stream_id = r.stream), 0) AS actual
              FROM UNNEST($9::int4[], $10::text[], $11::int8[]) AS r(req, stream, expected)
            ), stored AS (
              SELECT ev.req, ev.id, x.stream_id, x.stream_version, x.tx_id::text::int8 AS tx, x.global_position,
                     (x.event_type = ev.type AND x.data = ev.data::jsonb AND x.schema_version = ev.schema) AS same
              FROM ev JOIN events x ON x.event_id = ev.id
            ), ok AS (
              SELECT cur.req, cur.actual FROM cur
              WHERE (cur.expected = -1 OR cur.expected = cur.actual)
                AND NOT EXISTS (SELECT 1 FROM stored WHERE stored.req = cur.req)
            ), ins AS (
              INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
              SELECT ev.stream, ok.actual + ev.off + 1, ev.id, ev.type, ev.schema, ev.data::jsonb, ev.metadata::jsonb
              FROM ev JOIN ok ON ok.req = ev.req
              ORDER BY ev.stream, ev.off
              RETURNING event_id, stream_id, stream_version, tx_id::text::int8 AS tx, global_position
            )
            SELECT 'i', -1, event_id, stream_id, stream_version, tx, global_position, true FROM ins
            UNION ALL SELECT 'c', req, NULL, NULL, actual, NULL, NULL, NULL FROM cur
            UNION ALL SELECT 's', req, id, stream_id, stream_version, tx, global_position, same FROM stored
        """

    let arrays: BatchArrays

    init(_ arrays: BatchArrays) { self.arrays = arrays }

    func makeBindings() throws -> PostgresBindings { arrays.bindings() }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}
