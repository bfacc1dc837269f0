import Foundation

extension FinanceState {
    /// Folds every event of the fold's types recorded in `range`, page by page, with a
    /// progress bar on a terminal.
    static func load(_ reader: EventReader, range: RecordedRange, window: RecordedRange, progressLabel: String?) async throws -> FinanceState {
        var state = FinanceState(window: window)
        let horizon = try await reader.horizon()
        var progress: ProgressBar?
        if let progressLabel, ProgressBar.standardErrorIsTerminal {
            progress = ProgressBar.onTerminal(label: progressLabel, total: try await reader.count(range, types: eventTypes, horizon: horizon))
        }
        try await reader.forEachBatch(range, types: eventTypes, horizon: horizon) { batch in
            for event in batch { state.apply(event) }
            progress?.advance(by: batch.count)
        }
        progress?.finish()
        return state
    }
}
