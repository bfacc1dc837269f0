import Synchronization

/// Counts open event streams so that at most `maxStreams` run at once.
final class OpsStreamSlots: Sendable {
    let maxStreams: Int
    private let open = Mutex(0)

    init(maxStreams: Int) {
        self.maxStreams = maxStreams
    }

    /// A slot, given back when the returned value is released; nil when all are taken.
    func take() -> Slot? {
        let taken = open.withLock { count in
            guard count < maxStreams else { return false }
            count += 1
            return true
        }
        return taken ? Slot(owner: self) : nil
    }

    var openCount: Int { open.withLock { $0 } }

    fileprivate func give() {
        open.withLock { $0 -= 1 }
    }

    /// One open stream. A class so that the slot is given back however the response ends,
    /// even when its body is never written (the client went away first).
    final class Slot: Sendable {
        private let owner: OpsStreamSlots

        fileprivate init(owner: OpsStreamSlots) {
            self.owner = owner
        }

        deinit {
            owner.give()
        }
    }
}
