#if canImport(Glibc)
import Glibc
#endif
import CallHandlers
import Foundation
import NIOPosix

/// Handler spawn time: `HandlerProcess.spawn` of the call handler until it returns, beside
/// `posix_spawn` + `waitpid` of /bin/true, interleaved so both see the same machine.
struct SpawnRun {
    var handler: String
    var spawns: Int

    func run() async throws {
        guard FileManager.default.isExecutableFile(atPath: handler) else { throw BenchError("\(handler) is not an executable file") }
        var handlerMilliseconds: [Double] = []
        var trueMilliseconds: [Double] = []
        let clock = ContinuousClock()
        // Warm-up (page cache, the reaper's task, NIO's threads): not counted.
        _ = try spawnTrue()
        await spawnHandler(clock: clock).1?.terminate(grace: .milliseconds(200))
        for _ in 0..<spawns {
            trueMilliseconds.append(try spawnTrue())
            let (elapsed, process) = await spawnHandler(clock: clock)
            guard let process else { throw BenchError("HandlerProcess.spawn of \(handler) failed") }
            handlerMilliseconds.append(elapsed)
            await process.terminate(grace: .milliseconds(200))
        }
        result("spawn_handler_p50_ms", Measurements.quantile(handlerMilliseconds, 0.50))
        result("spawn_handler_p99_ms", Measurements.quantile(handlerMilliseconds, 0.99))
        result("spawn_true_p50_ms", Measurements.quantile(trueMilliseconds, 0.50))
        result("spawn_true_p99_ms", Measurements.quantile(trueMilliseconds, 0.99))
        result("spawn_count", Double(spawns))
    }

    private func spawnHandler(clock: ContinuousClock) async -> (Double, HandlerProcess?) {
        let started = clock.now
        let process = try? await HandlerProcess.spawn(HandlerSpec(executable: handler), eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        return (Measurements.milliseconds(clock.now - started), process)
    }

    /// posix_spawn of /bin/true through Glibc, then waitpid; milliseconds.
    private func spawnTrue() throws -> Double {
        let started = ContinuousClock.now
        var pid: pid_t = 0
        let path = strdup("/bin/true")
        defer { free(path) }
        var argv: [UnsafeMutablePointer<CChar>?] = [path, nil]
        var envp: [UnsafeMutablePointer<CChar>?] = [nil]
        let status = posix_spawn(&pid, "/bin/true", nil, nil, &argv, &envp)
        guard status == 0 else { throw BenchError("posix_spawn /bin/true failed: \(status)") }
        var exitStatus: Int32 = 0
        while waitpid(pid, &exitStatus, 0) == -1, errno == EINTR {}
        return Measurements.milliseconds(ContinuousClock.now - started)
    }
}
