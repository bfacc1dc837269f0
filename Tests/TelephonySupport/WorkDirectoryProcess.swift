import Foundation

/// A test peer's child process (SIPp, the impairment relay) started in a work directory of its
/// own: no stdin, its stdout and stderr in `stdout.txt` and `stderr.txt` there, read back by
/// `output(in:named:)` for failure messages.
enum WorkDirectoryProcess {
    /// Starts `executable` with `arguments` in `workDirectory`; throws what `Process.run` throws.
    static func launch(_ executable: String, arguments: [String], in workDirectory: URL) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = workDirectory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: touch(workDirectory.appendingPathComponent("stdout.txt")))
        process.standardError = try FileHandle(forWritingTo: touch(workDirectory.appendingPathComponent("stderr.txt")))
        try process.run()
        return process
    }

    /// The last 4,000 characters of each named file in `workDirectory`, headed by its name.
    static func output(in workDirectory: URL, named names: [String]) -> String {
        names.map { name in
            let text = (try? String(contentsOf: workDirectory.appendingPathComponent(name), encoding: .utf8)) ?? ""
            return "== \(name)\n\(text.suffix(4_000))"
        }.joined(separator: "\n")
    }

    private static func touch(_ url: URL) -> URL {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        return url
    }
}
