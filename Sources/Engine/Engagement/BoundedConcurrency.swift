import Synchronization

/// Runs `body` for every item, at most `limit` at a time: independent appends then share
/// the event log's group commits instead of waiting for each other's round trips.
func forEachConcurrently<Item: Sendable>(
    _ items: [Item], limit: Int, _ body: @escaping @Sendable (Item) async throws -> Void
) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        var next = items.makeIterator()
        for _ in 0..<max(1, limit) {
            guard let item = next.next() else { break }
            group.addTask { try await body(item) }
        }
        while try await group.next() != nil {
            if let item = next.next() { group.addTask { try await body(item) } }
        }
    }
}

/// A count shared by concurrent tasks.
final class SharedCount: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
