import CartlineTestSupport
import EventLog
import Foundation
import PostgresNIO
import Testing

/// An append has one outcome its caller can rely on: withdrawn before it reaches the
/// database, or committed (or refused) by it — never "timed out, and maybe later applied".
@Suite("Append outcomes: withdrawal and contention")
struct AppendOutcomeTests {
    @Test func anAppendCancelledWhileQueuedIsWithdrawnAndNeverCommits() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog(configure: { $0.commitLanes = 1 }) { log in
                let held = try stream()
                // Another transaction holds version 1 of `held`: the lane's next batch waits on it.
                let holder = try await db.connect()
                try await holder.query("BEGIN", logger: TestDatabase.logger)
                try await holder.query("""
                    INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata)
                    VALUES (\(held.rawValue), 1, \(UUID()), 'NoteTaken', '{"text":"held","number":0}', '{}')
                    """, logger: TestDatabase.logger)
                let blocked = Task { try await log.append(to: held, [try note("blocked")], expected: .noStream) }
                try await Task.sleep(for: .milliseconds(300))  // its batch is in flight, waiting
                let queuedStream = try stream()
                let queued = Task { try await log.append(to: queuedStream, [try note("queued")], expected: .noStream) }
                try await Task.sleep(for: .milliseconds(200))
                queued.cancel()
                await #expect(throws: EventLogError.withdrawn) { _ = try await queued.value }

                try await holder.query("ROLLBACK", logger: TestDatabase.logger)
                try await holder.close()
                #expect(try await blocked.value.streamVersion == 1)
                // The lane moved on, and the withdrawn append is nowhere: not now, not later.
                _ = try await log.append(to: try stream(), [try note("after")], expected: .noStream)
                #expect(try await log.read(stream: queuedStream).isEmpty)
            }
        }
    }

    @Test func aBatchOfAppendsGivesEachItsOwnOutcomeAndARetryItsOriginalPositions() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog(configure: { $0.commitLanes = 1 }) { log in
                let fresh = try stream(), other = try stream(), later = try stream()
                let first = try note("first"), second = try note("second")
                let outcomes = await log.append([
                    AppendRequest(stream: fresh, events: [first, second], expected: .noStream),
                    AppendRequest(stream: other, events: [try note("stale")], expected: .exact(5)),
                ])
                guard case .success(let appended) = outcomes[0] else { Issue.record("\(outcomes[0])"); return }
                #expect(appended.streamVersion == 2 && appended.positions.count == 2)
                #expect(outcomes[1] == .failure(.wrongExpectedVersion(stream: other.rawValue, expected: .exact(5), actual: 0)))
                // A retry of the first append (same ids) beside a new one: the new one lands,
                // the retry is answered with where its events already are.
                let again = await log.append([
                    AppendRequest(stream: fresh, events: [first, second], expected: .noStream),
                    AppendRequest(stream: later, events: [try note("later")], expected: .noStream),
                ])
                #expect(again[0] == .success(appended), "\(again[0])")
                guard case .success(let landed) = again[1] else { Issue.record("\(again[1])"); return }
                #expect(landed.streamVersion == 1)
                #expect(try await log.read(stream: fresh).count == 2)
            }
        }
    }

    @Test func theLoserOfARaceWithAnotherProcessGetsTheActualVersion() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let contested = try stream()
                // Another process's transaction takes version 1 and stays open.
                let holder = try await db.connect()
                try await holder.query("BEGIN", logger: TestDatabase.logger)
                try await holder.query("""
                    INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata)
                    VALUES (\(contested.rawValue), 1, \(UUID()), 'NoteTaken', '{"text":"first","number":0}', '{}')
                    """, logger: TestDatabase.logger)
                let ours = Task { try await log.append(to: contested, [try note("second")], expected: .noStream) }
                try await Task.sleep(for: .milliseconds(300))
                // The database arbitrates: theirs commits, ours is told where the stream is.
                try await holder.query("COMMIT", logger: TestDatabase.logger)
                try await holder.close()
                await #expect(throws: EventLogError.wrongExpectedVersion(stream: contested.rawValue, expected: .noStream, actual: 1)) {
                    _ = try await ours.value
                }
                #expect(try await log.read(stream: contested).count == 1)
            }
        }
    }

    @Test func aBatchTouchingStreamsInAnotherOrderThanAnotherProcessDoesNotDeadlockWithIt() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog(configure: { $0.commitLanes = 1 }) { log in
                let suffix = UUID().uuidString.prefix(8)
                let first = try StreamName("a-\(suffix)"), second = try StreamName("b-\(suffix)")
                // Another process inserts in stream order: it holds `first`…
                let holder = try await db.connect()
                try await holder.query("BEGIN", logger: TestDatabase.logger)
                try await holder.query("""
                    INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata)
                    VALUES (\(first.rawValue), 1, \(UUID()), 'NoteTaken', '{"text":"theirs","number":0}', '{}')
                    """, logger: TestDatabase.logger)
                // …while our batch names the streams the other way round.
                let ours = Task {
                    await log.append([AppendRequest(stream: second, events: [try! note("ours")], expected: .noStream),
                                      AppendRequest(stream: first, events: [try! note("ours")], expected: .noStream)])
                }
                try await Task.sleep(for: .milliseconds(300))  // our statement waits on `first`
                // Had our batch inserted `second` first, this would wait on us while we wait on
                // it: a deadlock. In stream order we hold nothing of `second` yet, so it needs
                // no wait at all (a lock timeout makes any wait a failure here).
                do {
                    try await holder.query("SET LOCAL lock_timeout = '200ms'", logger: TestDatabase.logger)
                    try await holder.query("""
                        INSERT INTO events (stream_id, stream_version, event_id, event_type, data, metadata)
                        VALUES (\(second.rawValue), 1, \(UUID()), 'NoteTaken', '{"text":"theirs","number":0}', '{}')
                        """, logger: TestDatabase.logger)
                    try await holder.query("COMMIT", logger: TestDatabase.logger)
                } catch {
                    Issue.record("the other process had to wait on our batch (the deadlock's first half): \(error)")
                    _ = try? await holder.query("ROLLBACK", logger: TestDatabase.logger)
                    try await holder.close()
                    _ = await ours.value
                    return
                }
                try await holder.close()
                // The database arbitrated: theirs won both; ours learns the actual versions.
                let outcomes = await ours.value
                #expect(outcomes.count == 2)
                for (outcome, name) in zip(outcomes, [second, first]) {
                    #expect(outcome == .failure(.wrongExpectedVersion(stream: name.rawValue, expected: .noStream, actual: 1)), "\(outcome)")
                }
            }
        }
    }
}
