import EventLog
import Synchronization

/// Folded states of recently used streams, with the version each was folded to. A write
/// decides against the cached state and appends with that version: if another process
/// moved the stream on, the append fails with a wrong expected version and the store
/// catches up from the cached version — so the cache saves reads and never decides on
/// stale data. Bounded: past `capacity` streams, half the entries are dropped.
final class StreamStateCache: Sendable {
    struct Entry {
        let state: any Sendable
        let version: Int64
    }

    let capacity: Int
    private let entries = Mutex<[StreamName: Entry]>([:])

    init(capacity: Int) { self.capacity = capacity }

    func get<State: Sendable>(_ stream: StreamName, as _: State.Type) -> Versioned<State>? {
        guard let entry = entries.withLock({ $0[stream] }), let state = entry.state as? State else { return nil }
        return Versioned(state: state, version: entry.version)
    }

    func put<State: Sendable>(_ stream: StreamName, _ value: Versioned<State>) {
        entries.withLock { entries in
            // Never replace a newer fold with an older one (two requests finishing out of order).
            if let existing = entries[stream], existing.version > value.version { return }
            if entries.count >= capacity, entries[stream] == nil {
                for key in entries.keys.prefix(capacity / 2) { entries[key] = nil }
            }
            entries[stream] = Entry(state: value.state, version: value.version)
        }
    }
}
