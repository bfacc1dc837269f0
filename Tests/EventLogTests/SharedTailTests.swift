import CartlineTestSupport
@testable import EventLog
import Foundation
import Synchronization
import Testing

/// One reader per process: subscriptions near the head share the reads of the log; one
/// behind reads alone and still gets exactly what `readAll` answers.
@Suite("The shared tail of the log")
struct SharedTailTests {
    /// `readAll` through a counter, so a test can see how many database reads were made.
    final class CountingReads: Sendable {
        let count = Atomic<Int>(0)
        let log: EventLog
        init(_ log: EventLog) { self.log = log }

        var fetch: SharedLogTail.Fetch {
            { [self] after, limit in
                count.add(1, ordering: .relaxed)
                return try await log.readAll(after: after, limit: limit)
            }
        }
        var reads: Int { count.load(ordering: .relaxed) }
    }

    @Test func readersAtTheHeadShareOneReadAndReadersInsideTheBufferReadNone() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let appended = try await log.append(to: try stream(), (0..<30).map { try note("n\($0)", $0) }, expected: .noStream)
                let reads = CountingReads(log)
                let tail = SharedLogTail(capacity: 100, readBatch: 50)
                // Eight readers ask for the head at once: one database read between them.
                let batches = try await withThrowingTaskGroup(of: [RecordedEvent].self) { group in
                    for _ in 0..<8 { group.addTask { try await tail.read(after: .start, limit: 50, fetch: reads.fetch).events } }
                    var all: [[RecordedEvent]] = []
                    for try await batch in group { all.append(batch) }
                    return all
                }
                #expect(batches.allSatisfy { $0.map(\.position) == appended.positions })
                #expect(reads.reads == 1, "eight readers at the head made \(reads.reads) reads")
                // A reader part-way through the buffer is served from memory.
                let (rest, source) = try await tail.read(after: appended.positions[9], limit: 50, fetch: reads.fetch)
                #expect(rest.map(\.position) == Array(appended.positions[10...]))
                #expect(source == .buffer)
                #expect(reads.reads == 1)
                // At the head with nothing new: one read, an empty batch, not a second read.
                let (nothing, _) = try await tail.read(after: appended.positions[29], limit: 50, fetch: reads.fetch)
                #expect(nothing.isEmpty)
                #expect(reads.reads == 2)
            }
        }
    }

    @Test func aReaderBehindTheBufferReadsAloneAndMissesNothing() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let appended = try await log.append(to: try stream(), (0..<40).map { try note("n\($0)", $0) }, expected: .noStream)
                let reads = CountingReads(log)
                let tail = SharedLogTail(capacity: 10, readBatch: 10)
                // A fast reader walks to the head: the buffer keeps only the newest ten.
                var fast = LogPosition.start
                while true {
                    let batch = try await tail.read(after: fast, limit: 10, fetch: reads.fetch).events
                    guard let last = batch.last else { break }
                    fast = last.position
                }
                #expect(fast == appended.positions.last)
                // A slow reader from the start, in small steps, gets every event once, in order.
                var slow = LogPosition.start
                var seen: [LogPosition] = []
                var sources: [SharedLogTail.Source] = []
                while seen.count < 40 {
                    let (batch, source) = try await tail.read(after: slow, limit: 7, fetch: reads.fetch)
                    guard let last = batch.last else { break }
                    seen += batch.map(\.position)
                    sources.append(source)
                    slow = last.position
                }
                #expect(seen == appended.positions)
                #expect(sources.first == .ownRead, "the slow reader started behind the buffer")
                #expect(sources.last == .buffer, "the slow reader joined the buffer once it caught up")
            }
        }
    }

    @Test func manySubscriptionsFollowingAWriterEachGetEveryEventOnceInOrder() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog(configure: { $0.pollIntervalSeconds = 0.05; $0.sharedTailEvents = 50; $0.sharedTailReadBatch = 20 }) { log in
                let total = 300
                let subscriptions = (0..<5).map { log.subscribe(consumer: "follower-\($0)", from: .start, batchSize: 13) }
                let writer = Task {
                    for index in 0..<total {
                        _ = try await log.append(to: try stream("w-\(index % 5)"), [try note("e\(index)", index)], expected: .any)
                    }
                }
                let received = try await withThrowingTaskGroup(of: [RecordedEvent].self) { group in
                    for subscription in subscriptions { group.addTask { try await collect(subscription, count: total, seconds: 60) } }
                    var all: [[RecordedEvent]] = []
                    for try await events in group { all.append(events) }
                    return all
                }
                try await writer.value
                let expected = try await log.readAll(after: .start, limit: 1_000).map(\.position)
                #expect(expected.count == total)
                for events in received { #expect(events.map(\.position) == expected) }
            }
        }
    }

    @Test func unappliedEventsAreThoseAfterTheConsumersCheckpointOfTheAskedTypes() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let first = try await log.append(to: try stream(), [try note("a"), try note("b", type: "Other")], expected: .noStream)
                #expect(try await log.unappliedEvents(consumer: "reader", types: ["NoteTaken"]).map(\.position) == [first.positions[0]])
                try await log.storeCheckpoint(first.positions[1], for: "reader")
                let later = try await log.append(to: try stream(), [try note("c"), try note("d", type: "Other"), try note("e")], expected: .noStream)
                let unapplied = try await log.unappliedEvents(consumer: "reader", types: ["NoteTaken"])
                #expect(unapplied.map(\.position) == [later.positions[0], later.positions[2]])
                // Further behind than the limit: refused, not read without bound.
                await #expect(throws: EventLogError.self) {
                    _ = try await log.unappliedEvents(consumer: "reader", types: ["NoteTaken", "Other"], limit: 2)
                }
            }
        }
    }
}
