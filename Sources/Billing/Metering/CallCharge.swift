/// What one call costs, broken down the way an invoice or a receipt shows it.
public struct CallCharge: Hashable, Sendable, Codable {
    /// Seconds of conversation as measured.
    public let billableSeconds: Int64
    /// `billableSeconds` rounded up to the billing increment.
    public let roundedSeconds: Int64
    /// `perMinuteMicros × roundedSeconds / 60`, rounded half up.
    public let usageMicros: Int64
    /// The setup fee; only a connected call (billable > 0) pays it.
    public let setupFeeMicros: Int64
    /// What is added so a connected call costs at least the minimum charge.
    public let minimumTopUpMicros: Int64
    /// usage + setup fee + minimum top-up.
    public let totalMicros: Int64
}
