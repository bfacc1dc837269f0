import EventLog
import Foundation
import Logging

/// Reads the whole log (in pages, below the transaction horizon taken at the start) and
/// every projection, and reports each broken invariant precisely (`InvariantReport`).
/// Read-only: scratch tables for the projection comparison are temporary and dropped.
///
/// Not checked here (they need the scenario driver's records of what each shopper was
/// told): "no cart changed by anything but its shopper" and "every acknowledged success
/// is in the log, nothing reported failed was applied".
public struct InvariantChecker: Sendable {
    public let log: EventLog
    public let options: InvariantCheckOptions
    let logger: Logger

    public init(log: EventLog, options: InvariantCheckOptions = .init(), logger: Logger) {
        self.log = log
        self.options = options
        self.logger = logger
    }

    /// Runs every check and returns what it found; throws only when the database fails.
    public func check() async throws -> InvariantReport {
        var report = InvariantReport(maxViolationsKept: options.maxViolationsKept)
        try await checkLog(into: &report)
        if options.checkProjections { try await checkProjections(into: &report) }
        return report
    }

    /// Offers, calls and the ledger, from the log alone.
    func checkLog(into report: inout InvariantReport) async throws {
        let horizon = try await log.horizon()
        let pageSize = min(max(1, options.pageSize), log.configuration.maxReadBatch)
        var fold = LogInvariantFold()
        var position = LogPosition.start
        // Bounded by the horizon: events committed after the start are not read.
        while true {
            let page = try await log.readAll(after: position, limit: pageSize)
            guard let last = page.last else { break }
            let stable = page.prefix { $0.position <= horizon }
            for event in stable { fold.apply(event, report: &report) }
            report.read(stable.count)
            guard stable.count == page.count else { break }
            position = last.position
        }
        fold.finish(allowOpenCalls: options.allowOpenCalls, report: &report)
    }

    /// Each projection against its rebuild.
    func checkProjections(into report: inout InvariantReport) async throws {
        let comparison = ProjectionRebuildComparison(log: log, logger: logger, pageSize: min(max(1, options.pageSize), log.configuration.maxReadBatch),
                                                     sampleRows: options.sampleRowsPerProjection)
        for kind in ProjectionCatalog.all {
            let (_, violations) = try await comparison.compare(kind)
            report.checked(.projectionEqualsRebuild)
            for violation in violations { report.add(violation) }
        }
    }
}
