import CartlineTestSupport
import EventLog
import Foundation
import PostgresNIO
import Testing

@Suite("Appending to the event log")
struct AppendTests {
    @Test func eventsOfOneAppendGetConsecutiveVersionsAtomically() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let cart = try stream()
                let first = try await log.append(to: cart, [try note("a"), try note("b")], expected: .noStream)
                let second = try await log.append(to: cart, [try note("c")], expected: .exact(2))
                #expect(first.streamVersion == 2)
                #expect(second.streamVersion == 3)
                let events = try await log.read(stream: cart)
                #expect(events.map(\.streamVersion) == [1, 2, 3])
                #expect(try events.map { try $0.data.decode(as: Note.self).text } == ["a", "b", "c"])
                #expect(events.map(\.position) == first.positions + second.positions)
            }
        }
    }

    @Test func racingAppendsToOneStreamLetExactlyOneWinPerVersion() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let contested = try stream()
                let rounds = 8
                for round in 0..<rounds {
                    let results = await withTaskGroup(of: Result<AppendResult, EventLogError>.self) { group in
                        for writer in 0..<32 {
                            group.addTask {
                                do { return .success(try await log.append(to: contested, [try note("w\(writer)", round)], expected: .exact(Int64(round)))) }
                                catch let error as EventLogError { return .failure(error) }
                                catch { return .failure(.database("\(error)")) }
                            }
                        }
                        return await group.reduce(into: []) { $0.append($1) }
                    }
                    let winners = results.compactMap { try? $0.get() }
                    #expect(winners.count == 1, "round \(round)")
                    #expect(winners.first?.streamVersion == Int64(round + 1))
                    for case .failure(let error) in results {
                        #expect(error == .wrongExpectedVersion(stream: contested.rawValue, expected: .exact(Int64(round)), actual: Int64(round + 1)))
                    }
                }
                let versions = try await log.read(stream: contested).map(\.streamVersion)
                #expect(versions == Array(1...Int64(rounds)))
            }
        }
    }

    @Test func racingAppendsFromTwoProcessesNeverLoseAWrite() async throws {
        // Two logs with their own pools stand in for two processes: only the database's
        // unique index can arbitrate between them, and the losing batch is retried.
        try await TestDatabase.with { db in
            try await db.withSecondClient { otherClient in
                try await db.withEventLog { first in
                    let second = EventLog(client: otherClient, logger: TestDatabase.logger)
                    try await withThrowingTaskGroup(of: Void.self) { runner in
                        runner.addTask { try await second.run() }
                        defer { runner.cancelAll() }
                        let contested = try stream()
                        let outcomes = await withTaskGroup(of: Bool.self) { group in
                            for writer in 0..<32 {
                                let log = writer.isMultiple(of: 2) ? first : second
                                group.addTask { (try? await log.append(to: contested, [try note("w\(writer)")], expected: .noStream)) != nil }
                            }
                            return await group.reduce(into: [Bool]()) { $0.append($1) }
                        }
                        #expect(outcomes.filter { $0 }.count == 1)
                        let afterAny = await withTaskGroup(of: Bool.self) { group in
                            for writer in 0..<20 {
                                let log = writer.isMultiple(of: 2) ? first : second
                                group.addTask { (try? await log.append(to: contested, [try note("any\(writer)")], expected: .any)) != nil }
                            }
                            return await group.reduce(into: [Bool]()) { $0.append($1) }
                        }
                        #expect(afterAny.allSatisfy { $0 }, "appends with .any always land")
                        let versions = try await first.read(stream: contested).map(\.streamVersion)
                        #expect(versions == Array(1...21))
                    }
                }
            }
        }
    }

    @Test func expectationsAboutTheStreamAreChecked() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let cart = try stream()
                await #expect(throws: EventLogError.wrongExpectedVersion(stream: cart.rawValue, expected: .exact(1), actual: 0)) {
                    try await log.append(to: cart, [try note("x")], expected: .exact(1))
                }
                _ = try await log.append(to: cart, [try note("x")], expected: .exact(0))
                await #expect(throws: EventLogError.wrongExpectedVersion(stream: cart.rawValue, expected: .noStream, actual: 1)) {
                    try await log.append(to: cart, [try note("y")], expected: .noStream)
                }
                let any = try await log.append(to: cart, [try note("z")], expected: .any)
                #expect(any.streamVersion == 2)
            }
        }
    }

    @Test func retryingAnAppendReturnsTheOriginalPositions() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let cart = try stream()
                let events = [try note("a", 1), try note("b", 2)]
                let original = try await log.append(to: cart, events, expected: .noStream)
                let retried = try await log.append(to: cart, events, expected: .noStream)
                #expect(retried == original)
                let later = try await log.append(to: cart, [try note("c")], expected: .exact(2))
                // A retry arriving after later appends still gets its original result.
                #expect(try await log.append(to: cart, events, expected: .noStream) == original)
                #expect(try await log.read(stream: cart).count == 3)
                #expect(later.streamVersion == 3)
            }
        }
    }

    @Test func reusingAnEventIdWithAnotherBodyIsRefused() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in
                let cart = try stream()
                let id = UUID()
                _ = try await log.append(to: cart, [try note("original", id: id)], expected: .noStream)
                await #expect(throws: EventLogError.self) {
                    try await log.append(to: cart, [try note("changed", id: id)], expected: .noStream)
                }
                // Same id in another stream, or at another version, is also a conflict.
                let elsewhere = try stream()
                do {
                    _ = try await log.append(to: elsewhere, [try note("original", id: id)], expected: .noStream)
                    Issue.record("an id stored in another stream was accepted")
                } catch let error as EventLogError {
                    guard case .eventIdConflict(let conflicting, _) = error else { Issue.record("unexpected \(error)"); return }
                    #expect(conflicting == id)
                }
                // Part of an append already stored: refused, nothing new written.
                await #expect(throws: EventLogError.self) {
                    try await log.append(to: cart, [try note("original", id: id), try note("new")], expected: .noStream)
                }
                #expect(try await log.read(stream: cart).count == 1)
                #expect(try await log.read(stream: elsewhere).isEmpty)
            }
        }
    }

    @Test func badInputIsRefusedWithTypedErrors() async throws {
        #expect(throws: EventLogError.invalidStreamName("", reason: "a stream name must not be empty")) { try StreamName("") }
        #expect(throws: EventLogError.self) { try StreamName("has space") }
        #expect(throws: EventLogError.self) { try StreamName(String(repeating: "x", count: 201)) }
        #expect(throws: EventLogError.self) { try JSONPayload(validating: "{not json") }
        #expect(throws: EventLogError.self) { try JSONPayload(validating: #"{"a":"\u0000"}"#) }
        try await TestDatabase.with { db in
            try await db.withEventLog(configure: { $0.maxEventBytes = 1_000; $0.maxEventsPerAppend = 5 }) { log in
                let cart = try stream()
                await #expect(throws: EventLogError.emptyAppend) { try await log.append(to: cart, [], expected: .any) }
                await #expect(throws: EventLogError.invalidExpectedVersion(-1)) {
                    try await log.append(to: cart, [try note("x")], expected: .exact(-1))
                }
                let big = try note(String(repeating: "x", count: 2_000))
                await #expect(throws: EventLogError.eventTooLarge(eventId: big.id, bytes: big.data.text.utf8.count + 2, limit: 1_000)) {
                    try await log.append(to: cart, [big], expected: .any)
                }
                await #expect(throws: EventLogError.tooManyEvents(count: 6, limit: 5)) {
                    try await log.append(to: cart, try (0..<6).map { try note("\($0)") }, expected: .any)
                }
                await #expect(throws: EventLogError.invalidEventType("bad type!")) {
                    try await log.append(to: cart, [try note("x", type: "bad type!")], expected: .any)
                }
                let twice = try note("twice")
                await #expect(throws: EventLogError.self) { try await log.append(to: cart, [twice, twice], expected: .any) }
                await #expect(throws: EventLogError.invalidArgument("read limit 0 is outside 1…10000")) {
                    try await log.readAll(after: .start, limit: 0)
                }
                #expect(try await log.read(stream: cart).isEmpty, "nothing refused was written")
            }
        }
    }

    @Test func aBadAppendInAGroupCommitFailsAlone() async throws {
        try await TestDatabase.with { db in
            // A CHECK the log does not know about makes the database refuse one statement.
            try await db.client.query("ALTER TABLE events ADD CONSTRAINT no_poison CHECK (event_type <> 'Poison')")
            try await db.withEventLog { log in
                let results = await withTaskGroup(of: (Bool, Bool).self) { group in
                    for writer in 0..<20 {
                        let poison = writer == 7
                        group.addTask {
                            let ok = (try? await log.append(to: try stream(), [try note("w", type: poison ? "Poison" : "NoteTaken")], expected: .noStream)) != nil
                            return (poison, ok)
                        }
                    }
                    return await group.reduce(into: [(Bool, Bool)]()) { $0.append($1) }
                }
                #expect(results.filter { $0.0 }.allSatisfy { !$0.1 })
                #expect(results.filter { !$0.0 }.allSatisfy { $0.1 })
            }
        }
    }

    @Test func aDatabaseThatIsDownGivesAClearErrorNotAHang() async throws {
        // Nothing listens on loopback port 1.
        let url = try DatabaseURL("postgres://postgres@127.0.0.1:1/nothing")
        await #expect(throws: DatabaseURLError.self) { try await url.probe(logger: TestDatabase.logger) }
        let client = PostgresClient(configuration: url.configuration, backgroundLogger: TestDatabase.logger)
        var configuration = EventLogConfiguration()
        configuration.operationTimeoutSeconds = 1
        let log = EventLog(client: client, configuration: configuration, logger: TestDatabase.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            group.addTask { try await log.run() }
            defer { group.cancelAll() }
            let started = ContinuousClock.now
            await #expect(throws: EventLogError.timedOut(operation: "append", seconds: 1)) {
                try await log.append(to: try stream(), [try note("x")], expected: .any)
            }
            await #expect(throws: EventLogError.timedOut(operation: "read all", seconds: 1)) {
                try await log.readAll(after: .start)
            }
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    @Test func anAppendToALogThatNeverRunsTimesOutInsteadOfHanging() async throws {
        let client = PostgresClient(configuration: try DatabaseURL("postgres://postgres@127.0.0.1:1/x").configuration)
        var configuration = EventLogConfiguration()
        configuration.operationTimeoutSeconds = 0.3
        let log = EventLog(client: client, configuration: configuration, logger: TestDatabase.logger)
        await #expect(throws: EventLogError.timedOut(operation: "append", seconds: 0.3)) {
            try await log.append(to: try stream(), [try note("x")], expected: .any)
        }
    }
}
