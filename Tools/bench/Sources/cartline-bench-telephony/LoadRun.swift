import CallHandlers
import Foundation
import Logging
import Media
import NIOPosix
import Synchronization
import Telephony

/// Concurrent calls with RTP on every one: a channel pool of `calls` channels, one
/// hold-handler.sh per call (dial, then play the greeting over and over), the customer a
/// SIPp UAS that echoes RTP. Also measures memory per channel and the pacing jitter, the
/// latter beside a single call on a pool of its own.
struct LoadRun {
    var customer: String
    var calls: Int
    var ratePerSecond: Int
    var measureSeconds: Int
    var profileSeconds: Int
    var handler: String
    var prompts: String

    /// Packets per second of one G.711 call at 20 ms packets.
    static let packetsPerSecondPerCall = 50.0

    /// Counts of what the calls reported.
    final class Tally: Sendable {
        struct Counts { var answered = 0, failed = 0, ended = 0, handlers = 0, lastFailure = "" }
        let counts = Mutex(Counts())

        func hear(_ progress: CallProgress) {
            counts.withLock { counts in
                switch progress {
                case .answered: counts.answered += 1
                case .failed(let reason, let status):
                    counts.failed += 1
                    counts.lastFailure = reason + (status.map { " (SIP \($0))" } ?? "")
                case .ended: counts.ended += 1
                case .handlerStarted: counts.handlers += 1
                default: break
                }
            }
        }

        var snapshot: Counts { counts.withLock { $0 } }
    }

    var logger: Logger {
        var logger = Logger(label: "bench-telephony")
        logger.logLevel = .error
        return logger
    }

    func configuration(channels: Int, holdSeconds: Int) -> TelephonyConfiguration {
        let spec = HandlerSpec(executable: handler, environment: ["HOLD_SECONDS": "\(holdSeconds)"])
        var configuration = TelephonyConfiguration(nodeName: "bench", maxChannels: channels, handler: spec,
                                                   promptsDirectory: URL(fileURLWithPath: prompts))
        var limits = HandlerLimits()
        limits.terminateGrace = .milliseconds(500)
        configuration.handlerLimits = limits
        configuration.mediaInactivityTimeout = .seconds(15)
        return configuration
    }

    func plan() -> CallPlan {
        CallPlan(callId: UUID(), mode: .voip, destination: "sip:bench@\(customer)", agentName: "Dana",
                 agentURI: "sip:dana@\(customer)", cartId: UUID().uuidString.lowercased(), cartValue: "349.00 EUR",
                 shopperName: "Bench Shopper")
    }

    func run() async throws {
        let single = try await singleCallJitter()
        result("jitter_single_p99_ms", Measurements.milliseconds(single.p99))
        result("jitter_single_samples", Double(single.samples))
        phase("single call done")
        try await loadedPool()
    }

    /// One call alone on a pool of its own, for the jitter baseline.
    func singleCallJitter() async throws -> (p99: Duration, samples: Int) {
        let pool = ChannelPool(configuration: configuration(channels: 1, holdSeconds: measureSeconds >= 10 ? 10 : 3), eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
        _ = try await pool.start()
        let call = plan()
        guard let channel = await pool.reserve(callId: call.callId) else { throw BenchError("no channel for the single call") }
        let tally = Tally()
        let running = Task { await pool.run(call, on: channel) { tally.hear($0) } }
        let deadline = ContinuousClock.now + .seconds(30)
        while tally.snapshot.ended + tally.snapshot.failed == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let statistics = pool.mediaStatistics()
        await pool.shutdown()
        await running.value
        let counts = tally.snapshot
        guard counts.answered == 1 else {
            throw BenchError("the single call was not answered (handler started: \(counts.handlers), failed: '\(counts.lastFailure)'; is the SIPp UAS at \(customer) up?)")
        }
        return (statistics.sendJitterP99, statistics.sendJitterSamples)
    }

    func loadedPool() async throws {
        let clock = ContinuousClock()
        let rampSeconds = (calls + ratePerSecond - 1) / ratePerSecond
        // Long enough for the ramp, the wait for answers, the window and the profile; the
        // pool is shut down right after them anyway.
        let holdSeconds = rampSeconds + 30 + measureSeconds + profileSeconds
        let pool = ChannelPool(configuration: configuration(channels: calls, holdSeconds: holdSeconds),
                               eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
        _ = try await pool.start()
        try await Task.sleep(for: .milliseconds(300))
        let idleKilobytes = Measurements.residentKilobytes() ?? 0
        let tally = Tally()
        phase("ramp \(calls) calls at \(ratePerSecond)/s")

        let rampStarted = clock.now
        var placed = 0
        var running: [Task<Void, Never>] = []
        running.reserveCapacity(calls)
        for index in 0..<calls {
            try await clock.sleep(until: rampStarted + .milliseconds(index * 1_000 / ratePerSecond))
            let call = plan()
            guard let channel = await pool.reserve(callId: call.callId) else { continue }
            placed += 1
            running.append(Task { await pool.run(call, on: channel) { tally.hear($0) } })
        }
        let rampSecondsTaken = Measurements.seconds(clock.now - rampStarted)

        // Wait (bounded) until every placed call has answered or failed.
        let answerDeadline = clock.now + .seconds(30)
        while tally.snapshot.answered + tally.snapshot.failed < placed, clock.now < answerDeadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        try await Task.sleep(for: .seconds(2))  // let every call's first PLAY start
        phase("loaded: \(tally.snapshot.answered) answered, \(tally.snapshot.failed) failed")

        // Window: packets received per second against live answered calls, once a second.
        var shares: [Double] = []
        var receivedRates: [Double] = []
        var sentRates: [Double] = []
        var liveCounts: [Int] = []
        var previous = pool.mediaStatistics()
        var previousAt = clock.now
        for _ in 0..<measureSeconds {
            try await Task.sleep(for: .seconds(1))
            let now = clock.now
            let statistics = pool.mediaStatistics()
            let live = await pool.liveCalls().filter { $0.phase == "answered" }.count
            let seconds = Measurements.seconds(now - previousAt)
            let received = Double(statistics.packetsReceived - previous.packetsReceived) / seconds
            let sent = Double(statistics.packetsSent - previous.packetsSent) / seconds
            receivedRates.append(received)
            sentRates.append(sent)
            liveCounts.append(live)
            shares.append(live > 0 ? received / (Self.packetsPerSecondPerCall * Double(live)) : 0)
            previous = statistics
            previousAt = now
        }
        let loadedKilobytes = Measurements.residentKilobytes() ?? 0
        let status = await pool.status()
        let handlerKilobytes = status.channels.compactMap(\.handlerPid).compactMap { Measurements.residentKilobytes(pid: "\($0)") }

        if profileSeconds > 0 {
            phase("profile \(profileSeconds)")
            try await Task.sleep(for: .seconds(profileSeconds))
        }
        let atLoad = pool.mediaStatistics()
        let liveAfterProfile = await pool.liveCalls().filter { $0.phase == "answered" }.count
        let counts = tally.snapshot
        phase("ending the calls")
        await pool.shutdown()
        for task in running { await task.value }
        phase("calls ended")

        let averageLive = liveCounts.isEmpty ? 0 : Double(liveCounts.reduce(0, +)) / Double(liveCounts.count)
        let averageReceived = receivedRates.isEmpty ? 0 : receivedRates.reduce(0, +) / Double(receivedRates.count)
        let averageSent = sentRates.isEmpty ? 0 : sentRates.reduce(0, +) / Double(sentRates.count)
        result("load_calls_target", Double(calls))
        result("load_placed", Double(placed))
        result("load_ramp_seconds", rampSecondsTaken)
        result("load_answered", Double(counts.answered))
        result("load_failed", Double(counts.failed))
        result("load_ended_early", Double(counts.ended))
        result("load_live_min", Double(liveCounts.min() ?? 0))
        result("load_live_avg", averageLive)
        result("load_live_after_profile", Double(liveAfterProfile))
        result("load_rx_pps", averageReceived)
        result("load_tx_pps", averageSent)
        result("load_media_share_min", shares.min() ?? 0)
        result("load_media_share_avg", shares.isEmpty ? 0 : shares.reduce(0, +) / Double(shares.count))
        result("load_live_with_media", min(averageLive, averageReceived / Self.packetsPerSecondPerCall))
        result("load_packets_not_sent", Double(atLoad.packetsNotSent))
        result("load_ticks_skipped", Double(atLoad.ticksSkipped))
        result("rss_idle_kb", Double(idleKilobytes))
        result("rss_load_kb", Double(loadedKilobytes))
        result("rss_per_channel_kb", Double(loadedKilobytes - idleKilobytes) / Double(max(1, counts.answered)))
        result("handler_rss_count", Double(handlerKilobytes.count))
        result("handler_rss_avg_kb", handlerKilobytes.isEmpty ? 0 : Double(handlerKilobytes.reduce(0, +)) / Double(handlerKilobytes.count))
        result("jitter_load_p50_ms", Measurements.milliseconds(atLoad.sendJitterP50))
        result("jitter_load_p99_ms", Measurements.milliseconds(atLoad.sendJitterP99))
        result("jitter_load_samples", Double(atLoad.sendJitterSamples))
    }
}
