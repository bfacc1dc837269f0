import Synchronization

/// The number of live legs, readable from any thread.
final class LiveLegCounter: Sendable {
    private let count = Mutex(0)

    var value: Int { count.withLock { $0 } }

    func add(_ delta: Int) { count.withLock { $0 += delta } }
}
