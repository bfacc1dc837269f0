import Foundation

/// Unbuffered writes to stdout and stderr (so `tail` lines reach a pipe at once).
enum Output {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func line(_ data: Data) {
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data("cartline-ops: \(text)\n".utf8))
    }
}
