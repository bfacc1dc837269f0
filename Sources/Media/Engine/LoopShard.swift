import NIOCore
import Synchronization

/// The legs bound on one event loop, and the work one clock tick does for them on that loop.
///
/// Per tick the work is O(playing legs); connected legs are checked for inactivity every few ticks.
final class LoopShard: Sendable {
    let loop: any EventLoop
    let counters = ShardCounters()
    /// Legs that need ticks (playing or connected); read by the clock off the loop to skip idle shards.
    let scheduledLegCount = Atomic<Int>(0)
    let playingLegCount = Atomic<Int>(0)
    private let legs: NIOLoopBoundBox<ShardLegs>
    private let jitter = Mutex(JitterHistogram())

    init(loop: any EventLoop) {
        self.loop = loop
        self.legs = .makeBoxSendingValue(ShardLegs(), eventLoop: loop)
    }

    /// On the loop.
    func setPlaying(_ endpoint: LegEndpoint, _ playing: Bool) {
        let legs = legs.value
        legs.playing[endpoint.id] = playing ? endpoint : nil
        publishCounts(legs)
    }

    /// On the loop.
    func setConnected(_ endpoint: LegEndpoint, _ connected: Bool) {
        let legs = legs.value
        legs.connected[endpoint.id] = connected ? endpoint : nil
        publishCounts(legs)
    }

    /// On the loop: sends the next frame of every playing leg; checks inactivity when asked.
    func tick(checkInactivity: Bool) {
        let legs = legs.value
        legs.finished.removeAll(keepingCapacity: true)
        legs.deviations.removeAll(keepingCapacity: true)
        for (id, endpoint) in legs.playing where !endpoint.sendPacedFrame(deviations: &legs.deviations) {
            legs.finished.append(id)
        }
        if !legs.finished.isEmpty {
            for id in legs.finished { legs.playing[id] = nil }
            publishCounts(legs)
        }
        if !legs.deviations.isEmpty {
            jitter.withLock { histogram in
                for deviation in legs.deviations { histogram.record(deviationNanoseconds: deviation) }
            }
        }
        if checkInactivity, !legs.connected.isEmpty {
            let now = NIODeadline.now()
            for endpoint in legs.connected.values { endpoint.checkInactivity(now: now) }
        }
    }

    /// Callable anywhere.
    func jitterSnapshot() -> JitterHistogram {
        jitter.withLock { $0 }
    }

    private func publishCounts(_ legs: ShardLegs) {
        playingLegCount.store(legs.playing.count, ordering: .relaxed)
        scheduledLegCount.store(legs.playing.count + legs.connected.count, ordering: .relaxed)
    }
}

/// The loop-bound sets of a shard, with scratch arrays reused every tick.
final class ShardLegs {
    var playing: [Int: LegEndpoint] = [:]
    var connected: [Int: LegEndpoint] = [:]
    var finished: [Int] = []
    var deviations: [Int64] = []
}
