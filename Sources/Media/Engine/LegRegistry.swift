import Synchronization

/// The open legs of an engine and the slots reserved for legs being opened, bounded by `maxLegs`.
final class LegRegistry: Sendable {
    private struct State {
        var legs: [Int: RTPLeg] = [:]
        var reservedSlots = 0
        var nextID = 1
        var accepting = true
    }

    private let maxLegs: Int
    private let state = Mutex(State())

    init(maxLegs: Int) {
        self.maxLegs = max(1, maxLegs)
    }

    /// Reserves a slot for a leg about to be opened; returns its id.
    func reserve() throws(MediaError) -> Int {
        try state.withLock { state throws(MediaError) -> Int in
            guard state.accepting else { throw .shutDown }
            guard state.legs.count + state.reservedSlots < maxLegs else { throw .tooManyLegs(maxLegs: maxLegs) }
            state.reservedSlots += 1
            defer { state.nextID += 1 }
            return state.nextID
        }
    }

    /// Turns a reservation into an open leg; false if the engine shut down meanwhile.
    func insert(_ leg: RTPLeg) -> Bool {
        state.withLock { state in
            state.reservedSlots -= 1
            guard state.accepting else { return false }
            state.legs[leg.endpoint.id] = leg
            return true
        }
    }

    func cancelReservation() {
        state.withLock { $0.reservedSlots -= 1 }
    }

    func remove(id: Int) {
        _ = state.withLock { $0.legs.removeValue(forKey: id) }
    }

    var count: Int { state.withLock { $0.legs.count } }

    /// Stops accepting legs and returns the open ones.
    func closeAll() -> [RTPLeg] {
        state.withLock { state in
            state.accepting = false
            return Array(state.legs.values)
        }
    }
}
