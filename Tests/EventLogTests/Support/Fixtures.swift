import EventLog
import Foundation
import Synchronization

/// Small builders that keep test bodies about behaviour.
struct Note: Codable, Equatable, Sendable {
    var text: String
    var number: Int
}

func note(_ text: String, _ number: Int = 0, id: UUID = UUID(), type: String = "NoteTaken") throws -> NewEvent {
    NewEvent(id: id, type: type, data: try JSONPayload(encoding: Note(text: text, number: number)))
}

func stream(_ name: String = "test-\(UUID().uuidString.prefix(8))") throws -> StreamName {
    try StreamName(name)
}

/// Collects what a subscription delivers until `count` events arrived or `seconds` passed;
/// on time-out it returns what arrived, so a failing test shows how far it got.
func collect(_ subscription: EventSubscription, count: Int, seconds: Double) async throws -> [RecordedEvent] {
    let received = Received()
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            for try await batch in subscription {
                let total = received.events.withLock { $0 += batch; return $0.count }
                if total >= count { return }
            }
        }
        group.addTask { try await Task.sleep(for: .seconds(seconds)) }
        defer { group.cancelAll() }
        try await group.next()
    }
    return received.events.withLock { $0 }
}

private final class Received: Sendable {
    let events = Mutex<[RecordedEvent]>([])
}
