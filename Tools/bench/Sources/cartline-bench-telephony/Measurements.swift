#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Percentiles and process figures shared by the benchmark's parts.
enum Measurements {
    /// The `fraction` quantile (nearest rank) of `values`; 0 when there are none.
    static func quantile(_ values: [Double], _ fraction: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    /// VmRSS of a process in KiB, from /proc/<pid>/status (`self` for this one); nil when gone.
    static func residentKilobytes(pid: String = "self") -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
    }

    static func seconds(_ duration: Duration) -> Double { milliseconds(duration) / 1_000 }
}

/// Prints `RESULT name value`, the lines Tools/bench/telephony reads.
func result(_ name: String, _ value: Double) {
    print("RESULT \(name) \(value)")
    fflush(nil)  // all streams: Glibc's `stdout` is a global var Swift 6 will not touch
}

/// When the process started, for the times on the progress lines.
let benchStarted = ContinuousClock.now

/// Prints a progress line on stdout (the script waits for `PHASE` lines).
func phase(_ text: String) {
    print("PHASE \(text) [\(String(format: "%.1f", Measurements.seconds(ContinuousClock.now - benchStarted))) s]")
    fflush(nil)  // all streams: Glibc's `stdout` is a global var Swift 6 will not touch
}

/// A usage or set-up problem, printed before the benchmark exits with status 2.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
