import Foundation

/// What a check found: how many things each invariant looked at, the violations (the
/// first `maxViolationsKept` in full, the rest counted) and the calls still open.
public struct InvariantReport: Sendable {
    public private(set) var checkedCounts: [Invariant: Int] = [:]
    public private(set) var violations: [InvariantViolation] = []
    /// Violations beyond those kept, per invariant included in `violationCounts`.
    public private(set) var violationCounts: [Invariant: Int] = [:]
    /// Calls requested without an outcome yet (with `allowOpenCalls` they are not violations).
    public private(set) var openCallIds: [UUID] = []
    public private(set) var eventsRead: Int64 = 0
    let maxViolationsKept: Int

    init(maxViolationsKept: Int) {
        self.maxViolationsKept = max(1, maxViolationsKept)
    }

    /// Whether no invariant is broken.
    public var isClean: Bool { violationCounts.values.allSatisfy { $0 == 0 } }
    public var violationTotal: Int { violationCounts.values.reduce(0, +) }

    /// The violations of one invariant (of those kept).
    public func violations(of invariant: Invariant) -> [InvariantViolation] { violations.filter { $0.invariant == invariant } }

    mutating func checked(_ invariant: Invariant, _ count: Int = 1) { checkedCounts[invariant, default: 0] += count }

    mutating func add(_ violation: InvariantViolation) {
        violationCounts[violation.invariant, default: 0] += 1
        if violations.count < maxViolationsKept { violations.append(violation) }
    }

    mutating func openCall(_ callId: UUID) {
        if openCallIds.count < maxViolationsKept { openCallIds.append(callId) }
    }

    mutating func read(_ count: Int) { eventsRead += Int64(count) }
}
