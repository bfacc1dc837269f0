import CallHandlers
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Warm pool of handlers")
struct WarmPoolTests {
    @Test func takeHandsOutAReadyHandlerAndStartsAReplacement() async throws {
        // The handler waits for its header, then exits 0.
        let spec = HandlerSpec(executable: "/bin/sh", arguments: ["-c", "while IFS= read -r l; do [ -z \"$l\" ] && break; done; echo HANGUP; read r; exit 0"])
        let pool = WarmPool(configuration: WarmPoolConfiguration(spec: spec, size: 2), eventLoopGroup: HandlerTestSupport.eventLoopGroup)
        await pool.start()
        #expect(await HandlerTestSupport.eventually { await pool.status().ready == 2 })
        let before = await pool.status().pids

        let process = try await pool.take()
        #expect(before.contains(process.pid))
        #expect(await HandlerTestSupport.eventually { await pool.status().ready == 2 })
        #expect(!(await pool.status().pids.contains(process.pid)))

        let conversation = await HandlerConversation.begin(with: process, header: HandlerTestSupport.header(), limits: HandlerTestSupport.limits())
        var commands: [HandlerCommand] = []
        for await command in conversation.commands {
            commands.append(command)
            try await conversation.reply(.ok("0"))
        }
        #expect(commands == [.hangup(cause: nil)])
        #expect(await conversation.finish().exit == .exited(0))

        let pids = await pool.status().pids
        await pool.shutdown()
        #expect(await pool.status().ready == 0)
        for pid in pids { #expect(await HandlerTestSupport.eventually { HandlerTestSupport.isGone(pid: pid) }) }
        await #expect(throws: WarmPoolError.shutDown) { _ = try await pool.take() }
    }

    @Test func aCrashingHandlerIsRestartedWithBackoffThenThePoolFails() async throws {
        let configuration = WarmPoolConfiguration(
            spec: HandlerSpec(executable: "/bin/sh", arguments: ["-c", "exit 3"]), size: 1,
            backoff: RestartBackoff(initial: .milliseconds(100), maximum: .seconds(5)),
            crashLimit: 4, crashWindow: .seconds(30), coolOff: .seconds(60)
        )
        let pool = WarmPool(configuration: configuration, eventLoopGroup: HandlerTestSupport.eventLoopGroup)
        await pool.start()
        #expect(await HandlerTestSupport.eventually(within: .seconds(10)) { await pool.status().isFailed })
        let status = await pool.status()
        #expect(status.recentExits.count == 4)
        #expect(status.recentExits.allSatisfy { $0.exit == .exited(3) })
        #expect(status.restarts == 3)
        #expect(status.ready == 0)
        // Delays of 50–100, 100–200 and 200–400 ms (plus start and reap time): each gap grows.
        let times = status.recentExits.map(\.at)
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        #expect(gaps.count == 3)
        #expect(gaps[0] >= .milliseconds(50))
        #expect(gaps[2] > gaps[0], "\(gaps)")
        #expect(gaps[2] >= .milliseconds(200))

        // Failed: no flapping restarts, and take() says so.
        try await Task.sleep(for: .milliseconds(500))
        #expect(await pool.status().recentExits.count == 4)
        await #expect(throws: WarmPoolError.self) { _ = try await pool.take() }
        await pool.shutdown()
    }

    @Test func backoffDoublesUpToItsMaximumWithJitter() {
        var random = SplitMix64(seed: 7)
        let backoff = RestartBackoff(initial: .milliseconds(100), maximum: .seconds(30))
        for failures in 1...20 {
            let ceiling = min(Duration.milliseconds(100) * (1 << min(failures - 1, 20)), .seconds(30))
            for _ in 0..<20 {
                let delay = backoff.delay(afterFailures: failures, using: &random)
                #expect(delay >= ceiling / 2 && delay <= ceiling, "failures \(failures): \(delay)")
            }
        }
    }
}
