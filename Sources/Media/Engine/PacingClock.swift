import NIOCore
import Synchronization

/// The one clock of an engine: every packet interval it has each loop's shard send the next frame of its playing legs.
///
/// Deadlines are computed from the start instant (start + n · interval), so lateness of one tick does
/// not shift the next. If the loop stalls for more than an interval the missed ticks are skipped and
/// counted, rather than sent in a burst.
final class PacingClock: Sendable {
    /// Inactivity is checked every this many ticks (100 ms at 20 ms): enough for a timeout of seconds.
    static let inactivityCheckEveryTicks: Int64 = 5

    let ticks = Atomic<Int>(0)
    let ticksSkipped = Atomic<Int>(0)
    private let loop: any EventLoop
    private let shards: [LoopShard]
    private let intervalNanoseconds: Int64
    private let state: NIOLoopBoundBox<ClockState>

    init(loop: any EventLoop, shards: [LoopShard], intervalNanoseconds: Int64) {
        self.loop = loop
        self.shards = shards
        self.intervalNanoseconds = intervalNanoseconds
        self.state = .makeBoxSendingValue(ClockState(), eventLoop: loop)
    }

    /// Callable anywhere.
    func start() {
        loop.execute { [self] in
            let state = state.value
            guard !state.running else { return }
            state.running = true
            state.start = .now()
            state.tick = 0
            scheduleNext(state)
        }
    }

    /// Callable anywhere; returns when no further tick will fire.
    func stop() async {
        try? await loop.submit { [self] in
            let state = state.value
            state.running = false
            state.scheduled?.cancel()
            state.scheduled = nil
        }.get()
    }

    private func scheduleNext(_ state: ClockState) {
        let deadline = state.start + .nanoseconds(intervalNanoseconds * (state.tick + 1))
        state.scheduled = loop.scheduleTask(deadline: deadline) { [self] in fire() }
    }

    private func fire() {
        let state = state.value
        guard state.running else { return }
        state.tick += 1
        ticks.increment()
        let due = (NIODeadline.now() - state.start).nanoseconds / intervalNanoseconds
        if due > state.tick {
            ticksSkipped.increment(by: Int(due - state.tick))
            state.tick = due
        }
        let checkInactivity = state.tick % Self.inactivityCheckEveryTicks == 0
        scheduleNext(state)
        for shard in shards where shard.scheduledLegCount.load(ordering: .relaxed) > 0 {
            if shard.loop === loop {
                shard.tick(checkInactivity: checkInactivity)
            } else {
                shard.loop.execute { shard.tick(checkInactivity: checkInactivity) }
            }
        }
    }
}

/// Loop-bound state of the clock.
final class ClockState {
    var running = false
    var start = NIODeadline.now()
    var tick: Int64 = 0
    var scheduled: Scheduled<Void>?
}
