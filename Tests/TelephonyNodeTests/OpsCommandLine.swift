import Foundation

/// Runs the real `cartline-ops` binary that SwiftPM built beside the test bundle.
enum OpsCommandLine {
    struct Result: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func binary() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["CARTLINE_OPS_BIN"] { return URL(fileURLWithPath: path) }
        let projectRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("cartline-ops"),
            projectRoot.appendingPathComponent(".build/debug/cartline-ops"),
        ]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw OpsTestError.noBinary(candidates.map(\.path).joined(separator: ", "))
        }
        return found
    }

    /// Starts `cartline-ops arguments…` with only `environment` (plus PATH); `wait` collects it.
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Running {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        var environment = environment
        environment["PATH"] = ProcessInfo.processInfo.environment["PATH"]
        process.environment = environment
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cartline-ops-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let stdout = directory.appendingPathComponent("stdout"), stderr = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        try process.run()
        return Running(process: process, directory: directory)
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        try await start(arguments, environment: environment).wait()
    }

    final class Running: @unchecked Sendable {  // Process is not Sendable; only `wait` touches it after start.
        let process: Process
        let directory: URL

        init(process: Process, directory: URL) {
            self.process = process
            self.directory = directory
        }

        /// Waits for the exit (bounded: killed after `timeout`).
        func wait(timeout: Duration = .seconds(30)) async throws -> Result {
            let deadline = ContinuousClock.now + timeout
            while process.isRunning {
                if ContinuousClock.now > deadline { process.terminate() }
                try await Task.sleep(for: .milliseconds(20))
            }
            defer { try? FileManager.default.removeItem(at: directory) }
            let read = { (name: String) in (try? String(contentsOf: self.directory.appendingPathComponent(name), encoding: .utf8)) ?? "" }
            return Result(status: process.terminationStatus, stdout: read("stdout"), stderr: read("stderr"))
        }
    }
}
