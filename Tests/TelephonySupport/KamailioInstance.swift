import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One Kamailio of a test, whatever its configuration: started in the foreground in a
/// temporary folder of its own (pid file, log), ready once it answers an OPTIONS probe, and
/// stopped by its pid (SIGTERM, then SIGKILL of its group) with its folder removed.
/// `KamailioProxy` (the carrier's proxy) and `GatewayRegistrar` (the browser gateway's
/// registrar) are both one of these with their own configuration and defines.
struct KamailioInstance: Sendable {
    static let startTimeoutMilliseconds = 10_000
    static let stopTimeoutMilliseconds = 5_000
    static let pollIntervalMilliseconds = 50
    static let logTailBytesMax = 6_000
    /// Shared and per-process memory in MB: a test instance needs little of Kamailio's defaults.
    static let sharedMemoryMegabytes = 32
    static let processMemoryMegabytes = 4

    let port: Int
    let runDirectory: URL
    let logFile: URL
    private let child: KamailioChildProcess

    /// Starts `configuration` on 127.0.0.1:`listenPort` with `defines` (`-A NAME=value`) and
    /// returns once it answers, or throws with the tail of its log. `name` names the folder
    /// and the log (`cartline-<name>-<uuid>`, `<name>.log`).
    static func start(name: String, configuration: URL, listenPort: Int,
                      defines: (_ instance: String) -> [String]) async throws(KamailioProxyError) -> KamailioInstance {
        guard FileManager.default.fileExists(atPath: configuration.path) else { throw .configurationMissing(path: configuration.path) }
        guard let kamailio = KamailioProxy.findKamailio() else { throw .kamailioNotInstalled }
        // Kamailio binds with SO_REUSEADDR, so it would share a taken port silently.
        guard KamailioProxy.udpPortIsFree(listenPort) else { throw .portInUse(port: listenPort) }
        let instance = UUID().uuidString.lowercased()
        let runDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("cartline-\(name)-\(instance)", isDirectory: true)
        let logFile = runDirectory.appendingPathComponent("\(name).log")
        do {
            try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
        } catch {
            throw .runDirectoryUnavailable(path: runDirectory.path, reason: "\(error)")
        }
        var arguments = [
            "-f", configuration.path,
            "-DD", "-E",  // stay in the foreground (we own the pid), log to stderr, not syslog
            "-m", "\(sharedMemoryMegabytes)", "-M", "\(processMemoryMegabytes)",
        ]
        for define in defines(instance) { arguments += ["-A", define] }
        arguments += ["-P", runDirectory.appendingPathComponent("kamailio.pid").path, "-Y", runDirectory.path, "-w", runDirectory.path]
        let child: KamailioChildProcess
        do {
            child = try KamailioChildProcess.spawn(executable: kamailio.path, arguments: arguments, logFile: logFile.path)
        } catch {
            try? FileManager.default.removeItem(at: runDirectory)
            throw error
        }
        let started = KamailioInstance(port: listenPort, runDirectory: runDirectory, logFile: logFile, child: child)
        try await started.waitUntilAnswering(instance: instance)
        return started
    }

    /// Stops Kamailio (SIGTERM, then SIGKILL after 5 s) and removes its run folder.
    func stop() async {
        let stateBefore = child.state()
        if stateBefore == .running {
            // Kamailio's main process stops its workers itself on SIGTERM.
            child.send(SIGTERM, wholeGroup: false)
            if await !exited(withinMilliseconds: Self.stopTimeoutMilliseconds) {
                child.send(SIGKILL, wholeGroup: true)
                _ = await exited(withinMilliseconds: Self.stopTimeoutMilliseconds)
            }
        }
        // Workers left behind by a main process that died on its own. The group id stays
        // reserved while any member lives, so right after the reap this reaches only them;
        // a second stop() (state .gone) sends nothing.
        if stateBefore != .gone {
            child.send(SIGKILL, wholeGroup: true)
        }
        try? FileManager.default.removeItem(at: runDirectory)
    }

    /// The end of the log (at most `logTailBytesMax` bytes).
    func logTail() -> String {
        guard let handle = try? FileHandle(forReadingFrom: logFile) else { return "(no log)" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let start = size > UInt64(Self.logTailBytesMax) ? size - UInt64(Self.logTailBytesMax) : 0
        guard (try? handle.seek(toOffset: start)) != nil, let data = try? handle.readToEnd() else { return "(unreadable log)" }
        return String(decoding: data, as: UTF8.self)
    }

    private func waitUntilAnswering(instance: String) async throws(KamailioProxyError) {
        guard var probe = KamailioOptionsProbe(port: port, instance: instance) else {
            await stop()
            throw .launchFailed(reason: "cannot open a UDP socket for the readiness probe")
        }
        let deadline = ContinuousClock.now + .milliseconds(Self.startTimeoutMilliseconds)
        while ContinuousClock.now < deadline {
            switch child.state() {
            case .running:
                break
            case .exited(let status):
                let failure = KamailioProxyError.exitedEarly(status: status, logTail: logTail())
                await stop()
                throw failure
            case .gone:
                let failure = KamailioProxyError.exitedEarly(status: -1, logTail: logTail())
                await stop()
                throw failure
            }
            probe.send()
            try? await Task.sleep(for: .milliseconds(Self.pollIntervalMilliseconds * 2))
            if probe.answered() { return }
            if Task.isCancelled { break }
        }
        let failure = KamailioProxyError.notAnswering(port: port, waitedMilliseconds: Self.startTimeoutMilliseconds, logTail: logTail())
        await stop()
        throw failure
    }

    private func exited(withinMilliseconds limit: Int) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(limit)
        while child.state() == .running {
            if ContinuousClock.now >= deadline { return false }
            do {
                try await Task.sleep(for: .milliseconds(Self.pollIntervalMilliseconds))
            } catch {
                // Cancelled: stop() still has to wait for the exit, without spinning.
                usleep(useconds_t(Self.pollIntervalMilliseconds * 1_000))
            }
        }
        return true
    }
}
