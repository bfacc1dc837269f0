import Foundation

/// A real `Tools/chaos-support/impaired_link.py` relay in front of a far end, for tests: SIP
/// sent to `port` reaches the far end (and its RTP, through SDP rewriting) with seeded loss,
/// delay and jitter in each direction. Stop it when done (`withImpairedLinks` does).
public final class ImpairedLink: Sendable {
    /// What the path does to each datagram, in each direction on its own.
    public struct Impairment: Sendable {
        /// Chance (0…1) that a datagram is dropped.
        public var loss: Double
        public var delay: Duration
        /// The delay varies by ± this much (uniformly).
        public var jitter: Duration
        /// Chance (0…1) that a forwarded datagram is sent twice.
        public var duplicate: Double
        /// Seeds the relay's draws: the same traffic meets the same losses.
        public var seed: Int
        /// Whether RTP is relayed (and impaired) too; false: SIP only, RTP goes direct.
        public var relaysMedia: Bool

        public init(loss: Double, delay: Duration = .zero, jitter: Duration = .zero, duplicate: Double = 0,
                    seed: Int = 1, relaysMedia: Bool = true) {
            self.loss = loss; self.delay = delay; self.jitter = jitter; self.duplicate = duplicate
            self.seed = seed; self.relaysMedia = relaysMedia
        }
    }

    public enum StartError: Error, CustomStringConvertible {
        case scriptNotFound(String)
        case launchFailed(String)
        case notReady(running: Bool, arguments: [String], output: String)

        public var description: String {
            switch self {
            case .scriptNotFound(let path): "the relay script is missing: \(path)"
            case .launchFailed(let reason): "the relay did not start: \(reason)"
            case .notReady(let running, let arguments, let output):
                "the relay did not get ready (still running: \(running)) with \(arguments.joined(separator: " ")): \(output)"
            }
        }
    }

    /// The relay's SIP port on 127.0.0.1: dial the far end as `sip:user@127.0.0.1:<port>`.
    public let port: Int
    /// Where the relay writes its counters.
    public let statsFile: URL
    private let workDirectory: URL
    private let process: Process

    /// The relay script in the checkout.
    public static var script: URL { BuiltProducts.projectRoot.appendingPathComponent("Tools/chaos-support/impaired_link.py") }

    private init(port: Int, statsFile: URL, workDirectory: URL, process: Process) {
        self.port = port
        self.statsFile = statsFile
        self.workDirectory = workDirectory
        self.process = process
    }

    /// Starts a relay in front of the far end's SIP at 127.0.0.1:`targetPort` and waits (at most
    /// `readyTimeout`) until it has bound its sockets (it writes its stats file then).
    public static func start(inFrontOf targetPort: Int, impairment: Impairment,
                             readyTimeout: Duration = .seconds(10)) async throws -> ImpairedLink {
        guard FileManager.default.fileExists(atPath: script.path) else { throw StartError.scriptNotFound(script.path) }
        let port = FreePort.udp()
        let workDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("impaired-link-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        let statsFile = workDirectory.appendingPathComponent("stats.json")
        var arguments = [
            script.path, "--listen", "127.0.0.1:\(port)", "--target", "127.0.0.1:\(targetPort)",
            "--loss", "\(impairment.loss)", "--delay-ms", "\(milliseconds(impairment.delay))",
            "--jitter-ms", "\(milliseconds(impairment.jitter))", "--duplicate", "\(impairment.duplicate)",
            "--seed", "\(impairment.seed)", "--stats-file", statsFile.path,
            "--verbose",  // each SIP datagram's fate, in `output` for failure messages
        ]
        if !impairment.relaysMedia { arguments.append("--no-media") }
        let process: Process
        do { process = try WorkDirectoryProcess.launch("/usr/bin/python3", arguments: arguments, in: workDirectory) } catch {
            throw StartError.launchFailed("\(error)")
        }
        let link = ImpairedLink(port: port, statsFile: statsFile, workDirectory: workDirectory, process: process)
        let deadline = ContinuousClock.now + readyTimeout
        while !FileManager.default.fileExists(atPath: statsFile.path) {
            guard process.isRunning, ContinuousClock.now < deadline else {
                let running = process.isRunning
                let output = link.output
                _ = await link.stop()
                throw StartError.notReady(running: running, arguments: arguments, output: output)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return link
    }

    /// The counters so far (the relay rewrites the file every 250 ms).
    public func stats() throws -> ImpairedLinkStats {
        try ImpairedLinkStats.decode(Data(contentsOf: statsFile))
    }

    /// Stops the relay with SIGTERM (SIGKILL after 5 s), returns its final counters (nil if it
    /// wrote none), and removes its working folder.
    public func stop() async -> ImpairedLinkStats? {
        defer { try? FileManager.default.removeItem(at: workDirectory) }
        if process.isRunning {
            // The relay unblocks SIGTERM itself, so it exits cleanly even though a child of a
            // concurrency thread inherits that thread's blocked signals.
            kill(process.processIdentifier, SIGTERM)
            let deadline = ContinuousClock.now + .seconds(5)
            while process.isRunning, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(10))
            }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        return try? stats()
    }

    /// The relay's stdout and stderr, for failure messages.
    public var output: String { WorkDirectoryProcess.output(in: workDirectory, named: ["stdout.txt", "stderr.txt"]) }

    private static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1_000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
