import CallHandlers
import Foundation
import NIOCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Handler processes")
struct HandlerProcessTests {
    private var group: any EventLoopGroup { HandlerTestSupport.eventLoopGroup }

    @Test func aCrashingHandlerIsReapedWithItsExitStatus() async throws {
        let process = try await HandlerProcess.spawn(HandlerSpec(executable: HandlerTestSupport.fixture("crash.sh")), eventLoopGroup: group)
        for line in HandlerTestSupport.header().lines { try? await process.send(line) }
        #expect(await process.waitForExit() == .exited(3))
        #expect(process.exit == .exited(3))
        // Reaped: the pid no longer exists, not even as a zombie.
        errno = 0
        #expect(kill(process.pid, 0) == -1 && errno == ESRCH)
        #expect(!FileManager.default.fileExists(atPath: "/proc/\(process.pid)"))
        await process.terminate(grace: .milliseconds(100))
    }

    @Test func terminateEscalatesToSIGKILLAndEndsTheWholeProcessGroup() async throws {
        var limits = HandlerTestSupport.limits()
        limits.terminateGrace = .milliseconds(300)
        let conversation = await HandlerConversation.start(spec: HandlerSpec(executable: HandlerTestSupport.fixture("hang.sh")),
                                                           header: HandlerTestSupport.header(), limits: limits, eventLoopGroup: group)
        var iterator = conversation.commands.makeAsyncIterator()
        let command = await iterator.next()
        guard case .set("sleeper", let value) = command, let sleeper = Int32(value) else {
            Issue.record("expected SET sleeper <pid>, got \(String(describing: command))")
            return
        }
        let process = try #require(conversation.process)
        #expect(HandlerTestSupport.processState(sleeper)?.pgid == process.pid)
        #expect(HandlerTestSupport.liveMembers(ofGroup: process.pid).count >= 2)

        let started = ContinuousClock.now
        let exit = await process.terminate(grace: .milliseconds(300))
        // SIGHUP and SIGTERM are ignored, so only SIGKILL ended it, after both graces.
        #expect(exit == .signalled(SIGKILL))
        #expect(ContinuousClock.now - started >= .milliseconds(600))
        #expect(HandlerTestSupport.isGone(pid: process.pid))
        #expect(await HandlerTestSupport.eventually { HandlerTestSupport.isGone(pid: sleeper) })
        #expect(HandlerTestSupport.liveMembers(ofGroup: process.pid).isEmpty)
    }

    @Test func theChildGetsOnlyDescriptors0To2() async throws {
        // A descriptor the test opens without close-on-exec must not reach the handler.
        let leaked = open("/etc/hostname", O_RDONLY)
        #expect(leaked > 2)
        defer { close(leaked) }
        let spec = HandlerSpec(executable: "/bin/sh", arguments: ["-c", "for f in /proc/$$/fd/*; do echo \"${f##*/}\"; done; true"])
        let process = try await HandlerProcess.spawn(spec, eventLoopGroup: group)
        let descriptors = Set(await HandlerTestSupport.allLines(of: process))
        #expect(await process.waitForExit() == .exited(0))
        // The glob's own directory descriptor may show up; nothing else may.
        #expect(descriptors.isSuperset(of: ["0", "1", "2"]))
        #expect(!descriptors.contains(String(leaked)))
        #expect(descriptors.subtracting(["0", "1", "2"]).count <= 1, "\(descriptors.sorted())")
        await process.terminate(grace: .milliseconds(100))
    }

    @Test func theEnvironmentIsExactlyTheSpecsPlusPATH() async throws {
        setenv("CARTLINE_SECRET_FOR_TEST", "must-not-leak", 1)
        let spec = HandlerSpec(executable: "/usr/bin/env", environment: ["CARTLINE_MODE": "test", "EMPTY": ""])
        let process = try await HandlerProcess.spawn(spec, eventLoopGroup: group)
        let lines = await HandlerTestSupport.allLines(of: process)
        #expect(await process.waitForExit() == .exited(0))
        #expect(Set(lines) == ["CARTLINE_MODE=test", "EMPTY=", "PATH=/usr/bin:/bin"])
        await process.terminate(grace: .milliseconds(100))
    }

    @Test func theChildStartsWithDefaultSignalsInItsOwnProcessGroup() async throws {
        // SigIgn/SigBlk of the child: NIO ignores SIGPIPE in this process; the child must not inherit it.
        let spec = HandlerSpec(executable: "/bin/grep", arguments: ["-E", "^(SigIgn|SigBlk|NSpgid)", "/proc/self/status"])
        let process = try await HandlerProcess.spawn(spec, eventLoopGroup: group)
        let lines = await HandlerTestSupport.allLines(of: process)
        #expect(await process.waitForExit() == .exited(0))
        #expect(lines.contains("SigBlk:\t0000000000000000"))
        let ignored = lines.first { $0.hasPrefix("SigIgn:") }.flatMap { UInt64($0.dropFirst("SigIgn:\t".count), radix: 16) }
        #expect(ignored == 0, "\(lines)")
        #expect(lines.contains("NSpgid:\t\(process.pid)"))
        #expect(getpgid(0) != process.pid)
        await process.terminate(grace: .milliseconds(100))
    }

    @Test func stderrKeepsOnlyItsTail() async throws {
        var limits = HandlerLimits()
        limits.stderrTailBytes = 100
        let spec = HandlerSpec(executable: "/bin/sh", arguments: ["-c", "i=0; while [ $i -lt 100 ]; do echo \"line $i\" >&2; i=$((i+1)); done; echo end >&2"])
        let process = try await HandlerProcess.spawn(spec, limits: limits, eventLoopGroup: group)
        #expect(await process.waitForExit() == .exited(0))
        #expect(await HandlerTestSupport.eventually { process.stderrTail.hasSuffix("line 99\nend\n") })
        #expect(process.stderrTail.utf8.count <= 100)
        await process.terminate(grace: .milliseconds(100))
    }

    @Test func spawnErrorsAreTyped() async {
        await #expect(throws: HandlerSpawnError.spawnFailed(executable: "/nonexistent/x", errno: ENOENT)) {
            _ = try await HandlerProcess.spawn(HandlerSpec(executable: "/nonexistent/x"), eventLoopGroup: group)
        }
        await #expect(throws: HandlerSpawnError.self) {
            _ = try await HandlerProcess.spawn(HandlerSpec(executable: "/bin/true", environment: ["A=B": "c"]), eventLoopGroup: group)
        }
        await #expect(throws: HandlerSpawnError.self) {
            _ = try await HandlerProcess.spawn(HandlerSpec(executable: ""), eventLoopGroup: group)
        }
    }

    @Test func sendRejectsLineBreaksAndTimesOutWhenTheHandlerStopsReading() async throws {
        var limits = HandlerLimits()
        limits.writeTimeout = .milliseconds(300)
        let process = try await HandlerProcess.spawn(HandlerSpec(executable: "/bin/sh", arguments: ["-c", "exec sleep 30"]),
                                                     limits: limits, eventLoopGroup: group)
        await #expect(throws: HandlerIOError.invalidLine("line break inside a line")) { try await process.send("a\nb") }
        // 64 KiB fills the pipe; the handler never reads.
        let line = String(repeating: "x", count: 1000)
        var outcome: HandlerIOError?
        for _ in 0..<200 {
            do { try await process.send(line) } catch { outcome = error; break }
        }
        #expect(outcome == .timedOut)
        #expect(await process.terminate(grace: .milliseconds(200)) == .signalled(SIGHUP))
        await #expect(throws: HandlerIOError.closed) { try await process.send("late") }
    }

    @Test func manyShortHandlersLeaveNoZombies() async throws {
        let processes = try await withThrowingTaskGroup(of: HandlerProcess.self) { group in
            for code in 0..<20 {
                group.addTask {
                    try await HandlerProcess.spawn(HandlerSpec(executable: "/bin/sh", arguments: ["-c", "exit \(code)"]),
                                                   eventLoopGroup: HandlerTestSupport.eventLoopGroup)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for process in processes {
            let exit = await process.waitForExit()
            guard case .exited = exit else { Issue.record("\(exit)"); continue }
            #expect(HandlerTestSupport.processState(process.pid) == nil)
            process.closePipes()
        }
    }
}
