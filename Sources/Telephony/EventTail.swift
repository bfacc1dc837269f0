import Foundation
import Synchronization

/// Fans ops events out to live tails. Each tail buffers a bounded number of events and
/// loses the oldest when its reader is slow; how many tails may be open is the ops API's
/// to say (its stream slots).
final class EventTail: Sendable {
    static let bufferedEvents = 256

    private let tails = Mutex<[UUID: AsyncStream<OpsEvent>.Continuation]>([:])

    func publish(_ event: OpsEvent) {
        for continuation in tails.withLock({ Array($0.values) }) { continuation.yield(event) }
    }

    func subscribe() -> AsyncStream<OpsEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: OpsEvent.self, bufferingPolicy: .bufferingNewest(Self.bufferedEvents))
        let id = UUID()
        tails.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in _ = self?.tails.withLock { $0.removeValue(forKey: id) } }
        return stream
    }

    func finishAll() {
        for continuation in tails.withLock({ tails -> [AsyncStream<OpsEvent>.Continuation] in
            defer { tails.removeAll() }
            return Array(tails.values)
        }) { continuation.finish() }
    }
}
