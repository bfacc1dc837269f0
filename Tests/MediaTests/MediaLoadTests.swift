import Foundation
import Logging
import Media
import NIOPosix
import Testing

/// A load check, off by default: `CARTLINE_MEDIA_LOAD_LEGS=500 swift test --filter MediaLoadTests`.
/// Every leg plays a 3 s prompt to its partner leg (50 packets/s out and in per leg), then the
/// engine's counters and send jitter are printed and checked loosely.
@Suite("Media engine under load", .enabled(if: ProcessInfo.processInfo.environment["CARTLINE_MEDIA_LOAD_LEGS"] != nil))
struct MediaLoadTests {
    @Test func manyLegsPlayToEachOtherAtFiftyPacketsPerSecond() async throws {
        let legCount = Int(ProcessInfo.processInfo.environment["CARTLINE_MEDIA_LOAD_LEGS"] ?? "") ?? 500
        let engine = MediaEngine(configuration: .init(maxLegs: legCount), eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                 logger: Logger(label: "media-load"))
        try await engine.start()
        var legs: [RTPLeg] = []
        for _ in 0..<legCount { legs.append(try await engine.openLeg()) }
        for (index, leg) in legs.enumerated() {
            leg.connect(to: RTPAddress(host: "127.0.0.1", port: legs[index ^ 1].localPort))
        }
        let prompt = Prompt.silence(milliseconds: 3_000)
        let cpuBefore = clock()
        let started = ContinuousClock.now
        let results = await withTaskGroup(of: PlaybackResult.self) { group in
            for leg in legs { group.addTask { await leg.play(prompt) } }
            return await group.reduce(into: [PlaybackResult]()) { $0.append($1) }
        }
        let wall = ContinuousClock.now - started
        let cpuSeconds = Double(clock() - cpuBefore) / Double(CLOCKS_PER_SEC)
        _ = await eventually(timeout: .seconds(2)) { engine.statistics().packetsReceived >= legCount * prompt.frameCount }
        let statistics = engine.statistics()
        print("media load: \(legCount) legs, wall \(wall), cpu \(cpuSeconds) s, \(statistics)")
        #expect(results.allSatisfy { $0 == .completed })
        #expect(statistics.packetsSent + statistics.packetsNotSent == legCount * prompt.frameCount)
        #expect(statistics.packetsReceived >= statistics.packetsSent * 99 / 100)
        await engine.shutdown()
    }
}
