/// How `InvariantChecker` runs.
public struct InvariantCheckOptions: Sendable {
    /// When true, calls without an outcome are listed as open calls, not violations (a
    /// check while calls may still be running); a check after quiescence leaves it false.
    public var allowOpenCalls = false
    /// Events read per page of the log: memory stays at one page plus the per-call tallies.
    public var pageSize = 5_000
    /// Violations kept in full; more are only counted, so a broken log cannot exhaust memory.
    public var maxViolationsKept = 1_000
    /// Differing rows quoted per projection (the count is always exact).
    public var sampleRowsPerProjection = 3
    /// Whether to rebuild and compare every projection (the slow part on a long log).
    public var checkProjections = true

    public init(allowOpenCalls: Bool = false) {
        self.allowOpenCalls = allowOpenCalls
    }
}
