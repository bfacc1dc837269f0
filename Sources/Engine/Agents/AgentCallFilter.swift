import Foundation

/// Which of a merchant's calls the console lists: `live` (not yet ended or failed, asked
/// for within the last day), `recent` (asked for within the last day, whatever became of
/// them) or `all` (every call, newest first).
public enum AgentCallFilter: String, Sendable, CaseIterable {
    case live, recent, all

    /// How far back `live` and `recent` look.
    public static let recentWindow: TimeInterval = 24 * 3_600
}
