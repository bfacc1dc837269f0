import CartlineTestSupport
import EventLog
import Foundation
import PostgresNIO
import Testing

/// These hold transactions open on purpose, which holds back every reader on the cluster:
/// run them one at a time so they do not slow each other down.
@Suite("Reading the log in commit-safe order", .serialized)
struct ReadingTests {
    @Test(arguments: 1...20)
    func aPositionThatCommitsLateIsDeliveredNotSkipped(iteration: Int) async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog(configure: { $0.pollIntervalSeconds = 0.05 }) { log in
                let earlier = try await log.append(to: try stream(), [try note("before")], expected: .noStream)
                // Transaction A takes a lower position and stays open.
                let holder = try await db.connect()
                try await holder.query("BEGIN", logger: TestDatabase.logger)
                let slowStream = "slow-\(iteration)-\(UUID().uuidString.prefix(6))"
                let aRows = try await holder.query("""
                    INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata)
                    VALUES (\(slowStream), 1, \(UUID()), 'NoteTaken', '{"text":"A","number":0}', '{}') RETURNING global_position
                    """, logger: TestDatabase.logger)
                var aPosition: Int64 = 0
                for try await position in aRows.decode(Int64.self) { aPosition = position }
                // Transaction B takes a higher position and commits.
                let b = try await log.append(to: try stream(), [try note("B")], expected: .noStream)
                #expect(b.positions[0].globalPosition > aPosition)

                // While A is open, no reader may pass it, so B is not delivered either.
                let whileOpen = try await log.readAll(after: earlier.positions[0], limit: 100)
                #expect(whileOpen.isEmpty, "B was delivered past A's open position: A would be lost")
                let subscription = log.subscribe(consumer: "late-\(iteration)", from: earlier.positions[0])
                async let delivered = collect(subscription, count: 2, seconds: 10)

                try await holder.query("COMMIT", logger: TestDatabase.logger)
                try await holder.close()
                let events = try await delivered
                #expect(events.map(\.globalPosition) == [aPosition, b.positions[0].globalPosition])
                // Reading again from the start gives the same stable order, exactly once.
                let all = try await log.readAll(after: .start, limit: 100)
                #expect(all.map(\.globalPosition) == [earlier.positions[0].globalPosition, aPosition, b.positions[0].globalPosition])
            }
        }
    }

    @Test(arguments: [EventLogConfiguration.WakeUp.pollOnly, .notify])
    func aRestartedSubscriberResumesFromItsCheckpointWithNoLossOrDuplicate(wakeUp: EventLogConfiguration.WakeUp) async throws {
        try await TestDatabase.with { db in
            // The projection's own table: a duplicate delivery would violate its key.
            try await db.client.query("CREATE TABLE projected (event_id uuid PRIMARY KEY, position bigint NOT NULL)")
            try await db.withEventLog(configure: { $0.wakeUp = wakeUp; $0.pollIntervalSeconds = 0.1 }) { log in
                let total = 120
                let writer = Task {
                    for index in 0..<total {
                        _ = try await log.append(to: try stream("w-\(index % 7)"), [try note("e\(index)", index)], expected: .any)
                    }
                }
                // First run: stop after a few batches, mid-stream.
                _ = try await project(log, consumer: "notes", batches: 3)
                try await writer.value
                // Second run: a new subscription starts from the stored checkpoint.
                let stored = try await log.checkpoint(of: "notes")
                #expect(stored != nil)
                _ = try await project(log, consumer: "notes", untilCount: total)
                let rows = try await db.client.query("SELECT count(*), count(DISTINCT event_id) FROM projected")
                for try await (count, distinct) in rows.decode((Int, Int).self) {
                    #expect(count == total)
                    #expect(distinct == total)
                }
            }
        }
    }

    @Test func aCheckpointNeverMovesBackAndItsWritesRollBackWithIt() async throws {
        try await TestDatabase.with { db in
            try await db.client.query("CREATE TABLE projected (event_id uuid PRIMARY KEY, position bigint NOT NULL)")
            try await db.withEventLog { log in
                let result = try await log.append(to: try stream(), [try note("a"), try note("b")], expected: .noStream)
                // The horizon is cluster-wide: a transaction open in another test's database
                // may hold it below our commit for a moment.
                var events: [RecordedEvent] = []
                let deadline = ContinuousClock.now + .seconds(10)
                while events.count < 2, ContinuousClock.now < deadline {
                    events = try await log.readAll(after: .start)
                    if events.count < 2 { try await Task.sleep(for: .milliseconds(20)) }
                }
                #expect(events.count == 2)
                let batch = events
                try await log.withCheckpoint(result.positions[1], for: "p") { connection in
                    for event in batch {
                        try await connection.query("INSERT INTO projected VALUES (\(event.id), \(event.position.globalPosition))", logger: TestDatabase.logger)
                    }
                }
                // A second process that read the same batch must not apply it again.
                await #expect(throws: CheckpointError.alreadyPassed(consumer: "p", position: result.positions[0])) {
                    try await log.withCheckpoint(result.positions[0], for: "p") { connection in
                        try await connection.query("INSERT INTO projected VALUES (\(UUID()), 0)", logger: TestDatabase.logger)
                    }
                }
                let rows = try await db.client.query("SELECT count(*) FROM projected")
                for try await count in rows.decode(Int.self) { #expect(count == 2) }
                #expect(try await log.checkpoint(of: "p") == result.positions[1])
            }
        }
    }

    @Test func aNotificationWakesASubscriberInAnotherProcessLongBeforeItsPoll() async throws {
        try await TestDatabase.with { db in
            try await db.withSecondClient { otherClient in
                try await db.withEventLog(configure: { $0.pollIntervalSeconds = 30 }) { reader in
                    var configuration = EventLogConfiguration()
                    configuration.pollIntervalSeconds = 30
                    let writer = EventLog(client: otherClient, configuration: configuration, logger: TestDatabase.logger)
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { try await writer.run() }
                        defer { group.cancelAll() }
                        // The reader's LISTEN must be in place (a loaded machine may take a while).
                        let listening = ContinuousClock.now + .seconds(15)
                        var isListening = false
                        while !isListening, ContinuousClock.now < listening {
                            let rows = try await otherClient.query("""
                                SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'
                                """, logger: TestDatabase.logger)
                            for try await count in rows.decode(Int64.self) { isListening = count > 0 }
                            if !isListening { try await Task.sleep(for: .milliseconds(50)) }
                        }
                        #expect(isListening)
                        let subscription = reader.subscribe(consumer: "listener", from: .start)
                        async let delivered = collect(subscription, count: 1, seconds: 20)
                        try await Task.sleep(for: .milliseconds(300))  // let the subscriber reach its 30 s wait
                        let started = ContinuousClock.now
                        _ = try await writer.append(to: try stream(), [try note("ping")], expected: .noStream)
                        let events = try await delivered
                        #expect(events.count == 1)
                        #expect(ContinuousClock.now - started < .seconds(10), "delivered by NOTIFY, not by the 30 s poll")
                    }
                }
            }
        }
    }

    /// Projects batches into `projected`, storing the checkpoint with the rows.
    private func project(_ log: EventLog, consumer: String, batches: Int = .max, untilCount: Int = .max) async throws -> Int {
        var seenBatches = 0
        var projected = 0
        for try await batch in log.subscribe(consumer: consumer, batchSize: 7) {
            guard let last = batch.last else { continue }
            try await log.withCheckpoint(last.position, for: consumer) { connection in
                for event in batch {
                    try await connection.query("INSERT INTO projected VALUES (\(event.id), \(event.position.globalPosition))", logger: TestDatabase.logger)
                }
            }
            seenBatches += 1
            let rows = try await log.client.query("SELECT count(*) FROM projected")
            for try await count in rows.decode(Int.self) { projected = count }
            if seenBatches >= batches || projected >= untilCount { break }
        }
        return projected
    }
}

extension RecordedEvent {
    var globalPosition: Int64 { position.globalPosition }
}
