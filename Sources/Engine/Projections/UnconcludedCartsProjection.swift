import Domain
import EventLog
import Foundation
import Logging
import PostgresNIO

/// `unconcluded_carts`: open carts with at least one item — value, item count, merchant,
/// shopper, last activity, idleness and when the cart falls idle. Concluded or emptied carts
/// leave it. Each batch is folded in memory per cart, then written with one upsert and one delete.
///
/// `idle_due_at` is always `last_activity_at` + the merchant's current idle threshold (NULL
/// while the merchant is unknown or retired: such carts never fall idle), so the idle
/// scheduler reads due carts through an index.
/// The thresholds come from the companion table `merchant_idle_thresholds`, kept here from
/// the merchant events in log order; a threshold change moves the due time of every cart of
/// that merchant (idle ones too), which keeps the column a function of the end state alone —
/// the same whatever the batch boundaries, so a rebuild equals the live table row for row.
public struct UnconcludedCartsProjection: Projection {
    public static let kind = ProjectionKind(name: "unconcluded_carts", companions: ["merchant_idle_thresholds"]) {
        UnconcludedCartsProjection(table: $0)
    }
    public var name: String { Self.kind.name }
    public let table: ProjectionTable
    /// Each merchant's idle threshold and the merchant stream version it came from.
    var thresholds: ProjectionTable { table.companion("merchant_idle_thresholds") }

    public init(table: ProjectionTable) { self.table = table }

    struct Line: Codable, Equatable {
        let unitPriceMicros: Int64
        var quantity: Int
    }

    struct Row {
        let cartId: UUID
        let shopperId: UUID
        let merchantId: String
        let currency: String
        var status: String
        var lines: [String: Line]
        var version: Int64
        var lastActivityAt: Date
        var idledAt: Date?

        var valueMicros: Int64 { lines.values.reduce(0) { $0 + $1.unitPriceMicros * Int64($1.quantity) } }
        var itemCount: Int { lines.values.reduce(0) { $0 + $1.quantity } }
        var isUnconcluded: Bool { !lines.isEmpty && status != CartState.Status.completed.rawValue }
    }

    public func apply(_ events: [RecordedEvent], connection: PostgresConnection, logger: Logger) async throws {
        try await applyCartEvents(events, connection: connection, logger: logger)
        try await applyMerchantThresholds(events, connection: connection, logger: logger)
        try await applyIdleMarks(events, connection: connection, logger: logger)
    }

    /// The parts of a merchant event this projection reads (a profile can hold a large catalog).
    private struct ThresholdOnly: Decodable {
        struct Profile: Decodable { let engagement: Engagement }
        struct Engagement: Decodable { let idleThresholdSeconds: Int }
        let profile: Profile
    }

    /// Registrations and updates set the merchant's threshold (the last one in the batch wins;
    /// an older version than the table's is ignored, e.g. after migration 0011's backfill);
    /// a retirement removes it, so a retired merchant's carts never fall due (the scheduler
    /// would refuse them on every look, ahead of the live merchants' carts). Then every cart
    /// of the merchants that changed gets its due time again.
    private func applyMerchantThresholds(_ events: [RecordedEvent], connection: PostgresConnection, logger: Logger) async throws {
        // nil: retired. A retirement is a merchant stream's last event (Merchant.decide).
        var latest: [String: (seconds: Int, version: Int64)?] = [:]
        for recorded in events where recorded.stream.hasPrefix("merchant-") {
            let merchantId = String(recorded.stream.dropFirst("merchant-".count))
            switch recorded.type {
            case MerchantRegistered.eventType, MerchantUpdated.eventType:
                guard let payload = try? recorded.data.decode(as: ThresholdOnly.self) else { continue }
                latest[merchantId] = .some((payload.profile.engagement.idleThresholdSeconds, recorded.streamVersion))
            case MerchantRetired.eventType:
                latest[merchantId] = .some(nil)
            default:
                continue
            }
        }
        if latest.isEmpty { return }
        // Lock order main table, then companion — the order a rebuild's swap takes them in.
        _ = try await connection.query(PostgresQuery(unsafeSQL: "LOCK TABLE \(table) IN ROW EXCLUSIVE MODE"), logger: logger)
        let set = latest.compactMap { id, value in value.map { (merchantId: id, seconds: $0.seconds, version: $0.version) } }
        let retired = latest.filter { $0.value == nil }.map(\.key)
        if !set.isEmpty {
            var binds = PostgresBindings()
            binds.append(set.map(\.merchantId))
            binds.append(set.map { Int64($0.seconds) })
            binds.append(set.map(\.version))
            _ = try await connection.query(PostgresQuery(unsafeSQL: """
                INSERT INTO \(thresholds) (merchant_id, idle_threshold_seconds, merchant_version)
                SELECT m, s::int, v FROM unnest($1::text[], $2::int8[], $3::int8[]) AS u(m, s, v)
                ON CONFLICT (merchant_id) DO UPDATE SET idle_threshold_seconds = EXCLUDED.idle_threshold_seconds,
                  merchant_version = EXCLUDED.merchant_version
                WHERE \(thresholds).merchant_version < EXCLUDED.merchant_version
                """, binds: binds), logger: logger)
        }
        if !retired.isEmpty {
            var binds = PostgresBindings()
            binds.append(retired)
            _ = try await connection.query(PostgresQuery(unsafeSQL: "DELETE FROM \(thresholds) WHERE merchant_id = ANY($1::text[])",
                                                         binds: binds), logger: logger)
        }
        var merchants = PostgresBindings()
        merchants.append(Array(latest.keys))
        _ = try await connection.query(PostgresQuery(unsafeSQL: """
            UPDATE \(table) AS c SET idle_due_at = c.last_activity_at
              + (SELECT t.idle_threshold_seconds FROM \(thresholds) AS t WHERE t.merchant_id = c.merchant_id) * interval '1 second'
            WHERE c.merchant_id = ANY($1::text[])
            """, binds: merchants), logger: logger)
    }

    /// Idle marks live in the engagement streams: a mark counts only while the cart is still
    /// at the version it names (a later change of the shopper's has made it active again).
    private func applyIdleMarks(_ events: [RecordedEvent], connection: PostgresConnection, logger: Logger) async throws {
        for recorded in events where recorded.type == CartIdled.eventType && recorded.stream.hasPrefix("engagement-") {
            guard let cartId = UUID(uuidString: String(recorded.stream.dropFirst(11))),
                  let idled = try? recorded.data.decode(as: CartIdled.self) else { continue }
            var binds = PostgresBindings()
            binds.append(cartId); binds.append(idled.at); binds.append(idled.idleSinceVersion)
            _ = try await connection.query(PostgresQuery(unsafeSQL: """
                UPDATE \(table) SET idled_at = $2 WHERE cart_id = $1 AND cart_version = $3
                """, binds: binds), logger: logger)
        }
    }

    private func applyCartEvents(_ events: [RecordedEvent], connection: PostgresConnection, logger: Logger) async throws {
        var byCart: [UUID: [RecordedEvent]] = [:]
        for event in events where event.stream.hasPrefix("cart-") {
            guard let cartId = UUID(uuidString: String(event.stream.dropFirst(5))) else { continue }
            byCart[cartId, default: []].append(event)
        }
        if byCart.isEmpty { return }
        var rows = try await load(Array(byCart.keys), connection: connection, logger: logger)
        var missingHeaders: [UUID] = []
        for (cartId, cartEvents) in byCart {
            for recorded in cartEvents {
                let event = try CartEvent(recorded: recorded)
                if var row = rows[cartId] {
                    guard recorded.streamVersion > row.version else { continue }  // already applied
                    Self.fold(event, into: &row)
                    row.version = recorded.streamVersion
                    rows[cartId] = row
                } else if case .opened(let opened) = event {
                    rows[cartId] = Row(cartId: cartId, shopperId: opened.shopperId, merchantId: opened.merchantId, currency: opened.currency.code,
                                       status: CartState.Status.open.rawValue, lines: [:], version: recorded.streamVersion,
                                       lastActivityAt: opened.openedAt, idledAt: nil)
                } else if case .itemAdded = event {
                    missingHeaders.append(cartId)  // emptied earlier, filled again: the header is in CartOpened
                    break
                }
            }
        }
        if !missingHeaders.isEmpty {
            // Rare: re-fold these carts from their stream's start, inside this transaction.
            for cartId in missingHeaders {
                rows[cartId] = try await refold(cartId, upTo: byCart[cartId]?.last?.streamVersion ?? 0, connection: connection, logger: logger)
            }
        }
        try await write(rows, connection: connection, logger: logger)
    }

    static func fold(_ event: CartEvent, into row: inout Row) {
        switch event {
        case .opened:
            break
        case .itemAdded(let added):
            row.lines[added.sku] = Line(unitPriceMicros: added.unitPrice.amountMicros, quantity: added.quantity)
            row.touch(added.at)
        case .quantityChanged(let changed):
            row.lines[changed.sku]?.quantity = changed.quantity
            row.touch(changed.at)
        case .itemRemoved(let removed):
            row.lines[removed.sku] = nil
            row.touch(removed.at)
        case .checkoutStarted(let started):
            row.status = CartState.Status.checkingOut.rawValue
            row.lastActivityAt = started.at
        case .checkoutCompleted(let completed):
            row.status = CartState.Status.completed.rawValue
            row.lastActivityAt = completed.at
        case .idled(let idled):
            row.idledAt = idled.at
        }
    }

    private func load(_ cartIds: [UUID], connection: PostgresConnection, logger: Logger) async throws -> [UUID: Row] {
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT cart_id, shopper_id, merchant_id, currency, status, lines::text, cart_version, last_activity_at, idled_at
            FROM \(table) WHERE cart_id = ANY($1::uuid[]) FOR UPDATE
            """, binds: try Self.binds(cartIds)), logger: logger)
        var found: [UUID: Row] = [:]
        for try await (cartId, shopperId, merchantId, currency, status, lines, version, activity, idled)
            in rows.decode((UUID, UUID, String, String, String, String, Int64, Date, Date?).self) {
            let decoded = (try? JSONDecoder().decode([String: Line].self, from: Data(lines.utf8))) ?? [:]
            found[cartId] = Row(cartId: cartId, shopperId: shopperId, merchantId: merchantId, currency: currency, status: status,
                                lines: decoded, version: version, lastActivityAt: activity, idledAt: idled)
        }
        return found
    }

    private func refold(_ cartId: UUID, upTo version: Int64, connection: PostgresConnection, logger: Logger) async throws -> Row? {
        let stream = StreamName.cart(cartId).rawValue
        let events = try await connection.query("""
            SELECT stream_version, event_type, schema_version, data::text FROM events
            WHERE stream_id = \(stream) AND stream_version <= \(version) ORDER BY stream_version
            """, logger: logger)
        var state: CartState?
        var last: Int64 = 0
        for try await (streamVersion, type, schema, data) in events.decode((Int64, String, Int16, String).self) {
            let recorded = RecordedEvent(position: .start, stream: stream, streamVersion: streamVersion, id: UUID(), type: type,
                                         schemaVersion: schema, data: try JSONPayload(validating: data), metadata: .emptyObject, recordedAt: Date())
            state = Cart.evolve(state, try CartEvent(recorded: recorded))
            last = streamVersion
        }
        guard let state else { return nil }
        var lines: [String: Line] = [:]
        for line in state.lines { lines[line.sku] = Line(unitPriceMicros: line.unitPrice.amountMicros, quantity: line.quantity) }
        return Row(cartId: cartId, shopperId: state.shopperId, merchantId: state.merchantId, currency: state.currency.code,
                   status: state.status.rawValue, lines: lines, version: last, lastActivityAt: state.lastActivityAt, idledAt: state.idledAt)
    }

    private func write(_ rows: [UUID: Row], connection: PostgresConnection, logger: Logger) async throws {
        let keep = rows.values.filter(\.isUnconcluded)
        let drop = rows.values.filter { !$0.isUnconcluded }.map(\.cartId)
        if !drop.isEmpty {
            _ = try await connection.query(PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE cart_id = ANY($1::uuid[])",
                                                         binds: try Self.binds(drop)), logger: logger)
        }
        if keep.isEmpty { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var binds = PostgresBindings()
        binds.append(keep.map(\.cartId))
        binds.append(keep.map(\.shopperId))
        binds.append(keep.map(\.merchantId))
        binds.append(keep.map(\.currency))
        binds.append(keep.map(\.valueMicros))
        binds.append(keep.map { Int64($0.itemCount) })
        binds.append(keep.map(\.status))
        binds.append(try keep.map { String(decoding: try encoder.encode($0.lines), as: UTF8.self) })
        binds.append(keep.map(\.version))
        binds.append(keep.map(\.lastActivityAt))
        // Arrays cannot hold NULL through these binds: an empty string stands for "not idle".
        binds.append(keep.map { $0.idledAt.map { ISO8601DateFormatter().string(from: $0) } ?? "" })
        _ = try await connection.query(PostgresQuery(unsafeSQL: """
            INSERT INTO \(table) (cart_id, shopper_id, merchant_id, currency, value_micros, item_count, status, lines,
                                  cart_version, last_activity_at, idled_at, idle_due_at)
            SELECT c, s, m, cur, v, n::int, st, l::jsonb, ver, act, NULLIF(idl, '')::timestamptz,
                   act + t.idle_threshold_seconds * interval '1 second'
            FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int8[], $6::int8[], $7::text[], $8::text[],
                        $9::int8[], $10::timestamptz[], $11::text[]) AS u(c, s, m, cur, v, n, st, l, ver, act, idl)
            LEFT JOIN \(thresholds) AS t ON t.merchant_id = u.m
            ON CONFLICT (cart_id) DO UPDATE SET
              value_micros = EXCLUDED.value_micros, item_count = EXCLUDED.item_count, status = EXCLUDED.status,
              lines = EXCLUDED.lines, cart_version = EXCLUDED.cart_version, last_activity_at = EXCLUDED.last_activity_at,
              idled_at = EXCLUDED.idled_at, idle_due_at = EXCLUDED.idle_due_at
            """, binds: binds), logger: logger)
    }

    private static func binds(_ ids: [UUID]) throws -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(ids)
        return binds
    }
}

private extension UnconcludedCartsProjection.Row {
    /// A change to the items: activity, and the end of idleness and of a started checkout.
    mutating func touch(_ at: Date) {
        lastActivityAt = at
        idledAt = nil
        if status == CartState.Status.checkingOut.rawValue { status = CartState.Status.open.rawValue }
    }
}
