#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A one-line progress bar on standard error, drawn only when standard error is a terminal
/// (so a pipe or a log file never receives control characters); redrawn at most every
/// `redrawIntervalMilliseconds`.
final class ProgressBar {
    static let widthCharacters = 30
    static let redrawIntervalMilliseconds: Int64 = 100

    private let label: String
    private let total: Int64
    private var done: Int64 = 0
    private var lastDraw: ContinuousClock.Instant?

    private init(label: String, total: Int64) {
        self.label = label
        self.total = max(0, total)
    }

    /// Whether standard error is a terminal.
    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// A bar when standard error is a terminal, else nil (silent).
    static func onTerminal(label: String, total: Int64) -> ProgressBar? {
        standardErrorIsTerminal ? ProgressBar(label: label, total: total) : nil
    }

    func advance(by count: Int) {
        done += Int64(count)
        let now = ContinuousClock.now
        if let lastDraw, now - lastDraw < .milliseconds(Self.redrawIntervalMilliseconds) { return }
        lastDraw = now
        draw()
    }

    /// Draws the final state and ends the line.
    func finish() {
        draw()
        FileHandle.standardError.write(Data("\n".utf8))
    }

    private func draw() {
        let fraction = total == 0 ? 1.0 : min(1.0, Double(done) / Double(total))
        let filled = Int(fraction * Double(Self.widthCharacters))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: Self.widthCharacters - filled)
        let line = "\r\(label) [\(bar)] \(Int(fraction * 100))% \(done)/\(total) events"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
