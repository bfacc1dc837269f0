// cartline-bench-append: EventLog append and catch-up throughput. Run through
// Tools/bench/append, which measures the pgbench and COPY baselines in the same run and
// prints the ratios. Prints `RESULT <name> <value>` lines for the script.
import EventLog
import Foundation
import Logging
import PostgresNIO

struct BenchItem: Codable {
    var sku: String
    var name: String
    var unitPriceMicros: Int64
    var quantity: Int
}

let arguments = CommandLine.arguments
guard arguments.count >= 3, let seconds = Double(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: cartline-bench-append DATABASE_URL SECONDS [CATCHUP_EVENTS]\n".utf8))
    exit(2)
}
let catchUpEvents = arguments.count > 3 ? Int(arguments[3]) ?? 1_000_000 : 1_000_000
var logger = Logger(label: "bench")
logger.logLevel = .error
let url = try DatabaseURL(arguments[1])
var poolConfiguration = url.configuration
poolConfiguration.options.maximumConnections = 40
let client = PostgresClient(configuration: poolConfiguration, backgroundLogger: logger)
let log = EventLog(client: client, logger: logger)
let payload = try JSONPayload(encoding: BenchItem(sku: "SKU-12345", name: "Blue teapot, 1.2 l", unitPriceMicros: 12_500_000, quantity: 2))
let runID = UUID().uuidString.prefix(8)

func event() -> NewEvent { NewEvent(type: "ItemAdded", data: payload) }

/// Appends single events to distinct streams from `writers` tasks for `seconds`; events/s.
func singleAppends(writers: Int, phase: String = "empty") async throws -> Double {
    let deadline = ContinuousClock.now + .seconds(seconds)
    let started = ContinuousClock.now
    let counts = try await withThrowingTaskGroup(of: Int.self) { group in
        for writer in 0..<writers {
            group.addTask {
                var count = 0
                while ContinuousClock.now < deadline {
                    let stream = try StreamName("bench-\(runID)-\(phase)-w\(writers)-\(writer)-\(count)")
                    _ = try await log.append(to: stream, [event()], expected: .noStream)
                    count += 1
                }
                return count
            }
        }
        return try await group.reduce(0, +)
    }
    return Double(counts) / (ContinuousClock.now - started).seconds
}

/// Bulk appends of single-event requests to distinct streams, as many per commit as allowed.
func batchedAppends(phase: String = "empty") async throws -> Double {
    let deadline = ContinuousClock.now + .seconds(seconds)
    let started = ContinuousClock.now
    var total = 0
    var round = 0
    while ContinuousClock.now < deadline {
        let requests = try (0..<8_000).map { index in
            AppendRequest(stream: try StreamName("bulk-\(runID)-\(phase)-\(round)-\(index)"), events: [event()], expected: .noStream)
        }
        let results = await log.append(requests)
        total += results.filter { (try? $0.get()) != nil }.count
        round += 1
    }
    return Double(total) / (ContinuousClock.now - started).seconds
}

/// Reads the first `catchUpEvents` events with readAll, as a projector catching up would,
/// and how far the process's resident memory grew above where it started: over the whole
/// catch-up, and — the same run's baseline — over its first half. Flat means the second half adds
/// next to nothing: one batch is held at a time, whatever the log's size.
func catchUp() async throws -> (eventsPerSecond: Double, events: Int, growthBytes: Int, firstHalfGrowthBytes: Int) {
    let started = ContinuousClock.now
    let residentAtStart = residentBytes()
    var peak = residentAtStart
    var peakAtFirstHalf: Int?
    var position = LogPosition.start
    var read = 0
    while read < catchUpEvents {
        let batch = try await log.readAll(after: position, limit: min(10_000, catchUpEvents - read))
        guard let last = batch.last else { break }
        position = last.position
        read += batch.count
        peak = max(peak, residentBytes())
        if peakAtFirstHalf == nil, read >= catchUpEvents / 2 { peakAtFirstHalf = peak }
    }
    return (Double(read) / (ContinuousClock.now - started).seconds, read, peak - residentAtStart,
            (peakAtFirstHalf ?? peak) - residentAtStart)
}

/// This process's resident set now (Linux: /proc/self/statm, in pages); 0 where unreadable.
func residentBytes() -> Int {
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = statm.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

try await withThrowingTaskGroup(of: Void.self) { group in
    group.addTask { await client.run() }
    group.addTask { try await log.run() }
    defer { group.cancelAll() }
    print("RESULT single_1 \(try await singleAppends(writers: 1))")
    print("RESULT single_32 \(try await singleAppends(writers: 32))")
    print("RESULT single_64 \(try await singleAppends(writers: 64))")
    print("RESULT batched \(try await batchedAppends())")
    // Top the log up to the catch-up size with one server-side statement (not timed).
    let rows = try await client.query("SELECT count(*) FROM events")
    var existing = 0
    for try await count in rows.decode(Int.self) { existing = count }
    // In statements of at most 500,000 rows, each well inside the connection's statement timeout.
    var filled = existing
    while filled < catchUpEvents {
        let rowsNow = min(500_000, catchUpEvents - filled)
        try await client.query("""
            INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata)
            SELECT 'fill-' || g, 1, gen_random_uuid(), 'ItemAdded', \(payload.text)::jsonb, '{}'::jsonb
            FROM generate_series(\(filled + 1), \(filled + rowsNow)) AS g
            """)
        filled += rowsNow
    }
    let (rate, read, growth, firstHalfGrowth) = try await catchUp()
    print("RESULT catchup \(rate)")
    print("RESULT catchup_events \(read)")
    print("RESULT catchup_memory_growth_bytes \(growth)")
    print("RESULT catchup_memory_growth_first_half_bytes \(firstHalfGrowth)")
    // Cost as work grows: the same appends again, now with the catch-up's events in the log.
    print("RESULT single_32_grown \(try await singleAppends(writers: 32, phase: "grown"))")
    print("RESULT batched_grown \(try await batchedAppends(phase: "grown"))")
    print("RESULT log_events \(filled)")
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
