import CartlineTestSupport
import Foundation

/// What a `cartline-finance` run printed, each stream on its own, and how it exited.
struct FinanceResult: Sendable {
    let status: Int32
    let stdout: String
    let stderr: String
    var output: String { stdout + stderr }
}

/// The `cartline-finance` binary SwiftPM built beside the test bundle.
func financeBinary() throws -> URL {
    if let path = ProcessInfo.processInfo.environment["CARTLINE_FINANCE_BIN"] { return URL(fileURLWithPath: path) }
    let candidates = [
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("cartline-finance"),
        TestDatabase.projectRoot.appendingPathComponent(".build/debug/cartline-finance"),
    ]
    guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        throw TestSetupError.noBinary(candidates.map(\.path).joined(separator: ", "))
    }
    return found
}

/// Runs `cartline-finance` as a real child process against `databaseURL` (given through
/// CARTLINE_DATABASE_URL unless nil) and waits for it, killing it after `timeoutSeconds`.
func runFinance(_ arguments: [String], databaseURL: String?, timeoutSeconds: Int = 60) async throws -> FinanceResult {
    try await runProcess(try financeBinary(), arguments, environment: { environment in
        environment["CARTLINE_DATABASE_URL"] = databaseURL
    }, timeoutSeconds: timeoutSeconds)
}

/// Runs any program with its stdout and stderr captured apart.
func runProcess(_ executable: URL, _ arguments: [String], environment change: (inout [String: String]) -> Void = { _ in },
                timeoutSeconds: Int = 60) async throws -> FinanceResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    change(&environment)
    process.environment = environment
    let folder = FileManager.default.temporaryDirectory
    let outURL = folder.appendingPathComponent("finance-out-\(UUID().uuidString)")
    let errURL = folder.appendingPathComponent("finance-err-\(UUID().uuidString)")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: outURL)
        try? FileManager.default.removeItem(at: errURL)
    }
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let deadline = ContinuousClock.now + .seconds(timeoutSeconds)
    while process.isRunning {
        if ContinuousClock.now > deadline { process.terminate() }
        try await Task.sleep(for: .milliseconds(20))
    }
    try out.close()
    try err.close()
    return FinanceResult(status: process.terminationStatus,
                         stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                         stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
}
