import Foundation
import PostgresNIO

/// The common case on its own: one event to one stream. An insert that checks the
/// expected version and takes the next one, nothing more — no arrays to unnest, no search
/// for stored ids. It returns no row when the expectation does not hold, and the database
/// refuses it (unique violation) when the id is stored or another process took the
/// version; `AppendBatchWriter` then asks the full statement, which says why.
struct SingleAppendStatement: PostgresPreparedStatement {
    static let name = "cartline_append_single_v1"

    typealias Row = (Int64, Int64, Int64)

    static let sql = """
        INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
        SELECT $1, cur.actual + 1, $2, $3, $4, $5::jsonb, $6::jsonb
        FROM (SELECT COALESCE(max(stream_version), 0) AS actual FROM events WHERE stream_id = $1) AS cur
        WHERE $7::int8 = -1 OR $7::int8 = cur.actual
        RETURNING stream_version, tx_id::text::int8, global_position
        """

    let stream: String
    let id: UUID
    let type: String
    let schema: Int16
    let data: String
    let metadata: String
    /// -1 any version; otherwise the exact version expected (0: no stream).
    let expected: Int64

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 7)
        bindings.append(stream)
        bindings.append(id)
        bindings.append(type)
        bindings.append(schema)
        bindings.append(data)
        bindings.append(metadata)
        bindings.append(expected)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}
