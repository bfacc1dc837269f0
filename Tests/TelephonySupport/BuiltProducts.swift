import Foundation

/// What the telephony tests run that is built rather than checked in: executables SwiftPM
/// built beside the test bundle, and the sample C handler plugin (built with gcc).
public enum BuiltProducts {
    /// The checkout (two levels above Tests/Fixtures).
    public static let projectRoot: URL = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()

    public enum Missing: Error, CustomStringConvertible {
        case executable(String, looked: [String])
        case gccFailed(Int32)

        public var description: String {
            switch self {
            case .executable(let name, let looked): "\(name) is not built; looked at \(looked.joined(separator: ", "))"
            case .gccFailed(let status): "gcc failed to build the sample plugin (exit \(status))"
            }
        }
    }

    /// The path of an executable built beside the test bundle (or in .build/debug).
    public static func executable(_ name: String) throws -> String {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name).path,
            projectRoot.appendingPathComponent(".build/debug/\(name)").path,
        ]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Missing.executable(name, looked: candidates)
        }
        return found
    }

    /// Builds Tools/handlers/sample_plugin.c into a temporary folder; returns the `.so`.
    public static func samplePlugin() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cartline-plugin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let output = directory.appendingPathComponent("sample_plugin.so").path
        let gcc = Process()
        gcc.executableURL = URL(fileURLWithPath: "/usr/bin/gcc")
        gcc.arguments = ["-shared", "-fPIC", "-o", output, projectRoot.appendingPathComponent("Tools/handlers/sample_plugin.c").path]
        try gcc.run()
        gcc.waitUntilExit()
        guard gcc.terminationStatus == 0 else { throw Missing.gccFailed(gcc.terminationStatus) }
        return output
    }
}
