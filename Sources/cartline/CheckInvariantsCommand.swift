import ArgumentParser
import Engine
import EventLog
import Foundation
import Logging

/// `cartline check-invariants`: reads the log and the read models, prints a summary table
/// and every violation; exit 0 when clean, 1 on violations (64 on bad arguments).
struct CheckInvariantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-invariants",
        abstract: "Check the log and the read models for broken invariants; exit 1 on any violation.",
        discussion: """
            Checks: every accepted offer led to exactly one CallRequested; every call has
            exactly one outcome (no open calls unless --allow-open-calls); debits equal
            credits per currency; no wallet negative; every billable call charged exactly
            once and every posting naming a call in the log; every projection equal to a
            rebuild from zero. Run it after the system is quiet.
            """
    )

    /// The longest a check may take before the command gives up (a huge log or a hung database).
    static let timeLimitSeconds = 1_800

    @OptionGroup var database: DatabaseOptions

    @Flag(name: .customLong("allow-open-calls"), help: "List calls without an outcome instead of failing on them.")
    var allowOpenCalls = false

    func run() async throws {
        let logger = Logger(label: "cartline.check-invariants")
        let options = InvariantCheckOptions(allowOpenCalls: allowOpenCalls)
        let report: InvariantReport
        do {
            report = try await database.withClient(logger: logger) { client in
                let log = EventLog(client: client, logger: logger)
                return try await withTimeLimit(seconds: Self.timeLimitSeconds, what: "check-invariants") {
                    try await InvariantChecker(log: log, options: options, logger: logger).check()
                }
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("cartline check-invariants: \(CommandFailure.describe(error))\n".utf8))
            throw ExitCode.failure
        }
        print(Self.summary(report))
        for violation in report.violations { print(violation.description) }
        if report.violations.count < report.violationTotal {
            print("… and \(report.violationTotal - report.violations.count) more violations")
        }
        if !report.openCallIds.isEmpty {
            print("open calls (\(report.openCallIds.count)): " + report.openCallIds.map { $0.uuidString.lowercased() }.joined(separator: " "))
        }
        print("\(report.isClean ? "clean" : "VIOLATED"): \(report.eventsRead) events read, \(report.violationTotal) violations")
        if !report.isClean { throw ExitCode.failure }
    }

    /// The table: invariant, checked, violations.
    static func summary(_ report: InvariantReport) -> String {
        let width = Invariant.allCases.map(\.rawValue.count).max() ?? 20
        var lines = ["invariant".padding(toLength: width, withPad: " ", startingAt: 0) + "  checked  violations"]
        for invariant in Invariant.allCases {
            let checked = String(report.checkedCounts[invariant] ?? 0), violations = String(report.violationCounts[invariant] ?? 0)
            lines.append(invariant.rawValue.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                         + String(repeating: " ", count: max(0, 7 - checked.count)) + checked + "  "
                         + String(repeating: " ", count: max(0, 10 - violations.count)) + violations)
        }
        return lines.joined(separator: "\n")
    }
}
