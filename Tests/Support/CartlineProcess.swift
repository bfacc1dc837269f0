import Foundation

/// The `cartline` binary SwiftPM built beside the test bundle.
public func cartlineBinary() throws -> URL {
    if let path = ProcessInfo.processInfo.environment["CARTLINE_BIN"] { return URL(fileURLWithPath: path) }
    let candidates = [
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("cartline"),
        TestDatabase.projectRoot.appendingPathComponent(".build/debug/cartline"),
    ]
    guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        throw TestSetupError.noBinary(candidates.map(\.path).joined(separator: ", "))
    }
    return found
}

public struct ProcessResult: Sendable {
    public let status: Int32
    /// stdout and stderr together.
    public let output: String
}

/// Runs `cartline` as a real child process and waits for it (bounded: it is killed after 60 s).
public func runCartline(_ arguments: [String], databaseURL: String, environment: [String: String]? = nil) async throws -> ProcessResult {
    let process = Process()
    process.executableURL = try cartlineBinary()
    process.arguments = arguments
    var environment = environment ?? ProcessInfo.processInfo.environment
    environment["DATABASE_URL"] = databaseURL
    process.environment = environment
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("cartline-out-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: output.path, contents: nil)
    let handle = try FileHandle(forWritingTo: output)
    process.standardOutput = handle
    process.standardError = handle
    defer { try? FileManager.default.removeItem(at: output) }
    try process.run()
    let deadline = ContinuousClock.now + .seconds(60)
    while process.isRunning {
        if ContinuousClock.now > deadline { process.terminate() }
        try await Task.sleep(for: .milliseconds(20))
    }
    try handle.close()
    let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
    return ProcessResult(status: process.terminationStatus, output: text)
}
