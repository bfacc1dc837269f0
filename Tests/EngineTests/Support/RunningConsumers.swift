import CartlineTestSupport
import Engine
import EventLog
import Testing

/// Runs `consumers` under a real `ProjectorRunner` for the duration of `body`.
func withConsumers<T: Sendable>(_ log: EventLog, _ consumers: [any LogConsumer], _ body: @Sendable () async throws -> T) async throws -> T {
    let runner = ProjectorRunner(log: log, projections: consumers, logger: TestDatabase.logger)
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await runner.run(); return nil }
        defer { group.cancelAll() }
        return try await body()
    }
}

/// Waits (bounded) until each named consumer's checkpoint has reached the log's head.
func waitUntilCaughtUp(_ log: EventLog, consumers: [String], seconds: Int = 20) async throws {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        let head = try await log.headPosition()
        var behind = false
        for consumer in consumers where (try await log.checkpoint(of: consumer)?.globalPosition ?? 0) < head { behind = true }
        if !behind { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("\(consumers) did not catch up within \(seconds) s")
}
