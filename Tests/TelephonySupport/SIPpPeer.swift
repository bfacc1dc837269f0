import Foundation

/// A real SIPp process on free local UDP ports, for tests; stop it in a `defer`.
///
/// Starts `sipp` with a scenario file (or a built-in scenario), `-m 1 -nostdin` by default,
/// in a temporary directory that receives its trace files, and waits until its SIP port is bound.
public final class SIPpPeer: Sendable {
    /// Which scenario SIPp runs.
    public enum Scenario: Sendable {
        /// A built-in scenario (`-sn uas`).
        case builtIn(String)
        /// A file under Tests/Fixtures/sipp (`-sf`).
        case fixture(String)
        /// A scenario file anywhere (one a test wrote).
        case file(URL)
    }

    public enum StartError: Error, CustomStringConvertible {
        case notFound(String)
        case launchFailed(String)
        case notListening(port: Int, running: Bool, arguments: [String], output: String)

        public var description: String {
            switch self {
            case .notFound(let path): "scenario fixture not found: \(path)"
            case .launchFailed(let reason): "sipp did not start: \(reason)"
            case .notListening(let port, let running, let arguments, let output):
                "sipp did not bind UDP \(port) (still running: \(running)) with \(arguments.joined(separator: " ")): \(output)"
            }
        }
    }

    /// SIPp's SIP port on 127.0.0.1.
    public let port: Int
    /// SIPp's media port (`-mp`).
    public let mediaPort: Int
    /// Where SIPp writes its stdout, stderr and trace files.
    public let workDirectory: URL
    private let process: Process

    private init(port: Int, mediaPort: Int, workDirectory: URL, process: Process) {
        self.port = port
        self.mediaPort = mediaPort
        self.workDirectory = workDirectory
        self.process = process
    }

    /// Starts SIPp and waits (at most `readyTimeout`) until it listens on its port.
    public static func start(
        scenario: Scenario, calls: Int = 1, timeout: Duration = .seconds(20), extraArguments: [String] = [],
        readyTimeout: Duration = .seconds(10)
    ) async throws -> SIPpPeer {
        let port = FreePort.udp()
        let mediaPort = FreePort.udpRange(count: 4)
        let workDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("sipp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        var arguments: [String]
        switch scenario {
        case .builtIn(let name):
            arguments = ["-sn", name]
        case .fixture(let name):
            let path = Fixtures.sipp(name).path
            guard FileManager.default.fileExists(atPath: path) else { throw StartError.notFound(path) }
            arguments = ["-sf", path]
        case .file(let url):
            arguments = ["-sf", url.path]
        }
        arguments += [
            "-i", "127.0.0.1", "-p", "\(port)", "-mp", "\(mediaPort)", "-m", "\(calls)", "-nostdin",
            "-timeout", "\(timeout.components.seconds)s", "-trace_err",
        ] + extraArguments
        let process: Process
        do { process = try WorkDirectoryProcess.launch("/usr/bin/sipp", arguments: arguments, in: workDirectory) } catch {
            throw StartError.launchFailed("\(error)")
        }
        let peer = SIPpPeer(port: port, mediaPort: mediaPort, workDirectory: workDirectory, process: process)
        let deadline = ContinuousClock.now + readyTimeout
        while !isUDPPortBound(port) {
            guard process.isRunning, ContinuousClock.now < deadline else {
                let running = process.isRunning
                await peer.stop()
                throw StartError.notListening(port: port, running: running, arguments: arguments, output: peer.output)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return peer
    }

    /// SIPp's exit status once it exits by itself within `timeout`; nil if it is still running.
    public func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Whether the SIPp process is still running.
    public var isRunning: Bool { process.isRunning }

    /// Ends SIPp and waits for it, and removes its working folder.
    public func stop() async {
        defer { try? FileManager.default.removeItem(at: workDirectory) }
        guard process.isRunning else { return }
        // SIGKILL at once: a child that Foundation started from a concurrency thread inherits
        // that thread's blocked signals, so SIGTERM may never reach it; a test peer keeps no
        // state worth a graceful exit (read `output` before stopping).
        kill(process.processIdentifier, SIGKILL)
        let deadline = ContinuousClock.now + .seconds(5)
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// SIPp's stdout and stderr plus any error trace, for failure messages.
    public var output: String {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: workDirectory.path)) ?? []
        return WorkDirectoryProcess.output(in: workDirectory, named: files.sorted().filter { $0.hasSuffix(".txt") || $0.hasSuffix(".log") })
    }

    /// Whether some socket is bound to UDP `port` on this host (reads /proc/net/udp).
    static func isUDPPortBound(_ port: Int) -> Bool {
        let suffix = ":" + String(format: "%04X", port)
        for table in ["/proc/net/udp", "/proc/net/udp6"] {
            // /proc files report size 0, so read them to EOF rather than trusting the size.
            guard let handle = FileHandle(forReadingAtPath: table),
                  let data = try? handle.readToEnd(), let text = String(data: data, encoding: .utf8)
            else { continue }
            try? handle.close()
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                if fields.count > 1, fields[1].hasSuffix(suffix) { return true }
            }
        }
        return false
    }
}
