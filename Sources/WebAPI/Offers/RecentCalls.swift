import Domain
import Foundation

/// The calls the hub follows, each folded up to a stream version, so a call event after
/// `CallRequested` (which no longer names the shopper) finds its shopper and its state
/// without a read. Least recently used first out: past `capacity` calls, the quarter
/// touched longest ago is dropped (a dropped call is read again from its short stream).
struct RecentCalls {
    struct Entry {
        let state: CallState
        let version: Int64
        fileprivate var touched: UInt64
    }

    let capacity: Int
    private var entries: [UUID: Entry] = [:]
    private var ticks: UInt64 = 0

    init(capacity: Int) { self.capacity = max(1, capacity) }

    var count: Int { entries.count }

    mutating func get(_ callId: UUID) -> Entry? {
        guard var entry = entries[callId] else { return nil }
        ticks += 1
        entry.touched = ticks
        entries[callId] = entry
        return entry
    }

    mutating func put(_ callId: UUID, state: CallState, version: Int64) {
        ticks += 1
        entries[callId] = Entry(state: state, version: version, touched: ticks)
        if entries.count > capacity {
            let oldest = entries.sorted { $0.value.touched < $1.value.touched }.prefix(max(1, capacity / 4)).map(\.key)
            for key in oldest { entries[key] = nil }
        }
    }

    mutating func remove(_ callId: UUID) { entries[callId] = nil }
}
