import ArgumentParser
import Foundation
import Logging

/// `export events`: every event recorded in [--from, --to), in log order, streamed page by page.
struct ExportEventsCommand: AsyncParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case jsonl, csv }

    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Export every event recorded in [--from, --to) with position, stream, version, type, recorded_at and data.",
        discussion: "jsonl: one JSON object a line, data as stored. csv: RFC 4180 with a header line, data as JSON text."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("Start of the range (inclusive).", valueName: "TIME"), transform: FinanceTime.argument)
    var from: FinanceTime

    @Option(help: ArgumentHelp("End of the range (exclusive).", valueName: "TIME"), transform: FinanceTime.argument)
    var to: FinanceTime

    @Option(help: "jsonl or csv.")
    var format: Format

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard from.date < to.date else { throw ValidationError("--from (\(from)) must be before --to (\(to))") }
    }

    func run() async throws {
        try await FinanceCommand.run("export") { logger in
            let sink = try output.sink()
            do {
                let range = RecordedRange.between(from.date, to.date)
                try await database.withClient(logger: logger) { client in
                    let reader = EventReader(client: client, logger: logger)
                    let horizon = try await reader.horizon()
                    var progress: ProgressBar?
                    if ProgressBar.standardErrorIsTerminal {
                        progress = ProgressBar.onTerminal(label: "export", total: try await reader.count(range, types: nil, horizon: horizon))
                    }
                    if format == .csv { try sink.write(CSV.record(["position", "stream", "version", "type", "recorded_at", "data"])) }
                    try await reader.forEachBatch(range, types: nil, horizon: horizon) { batch in
                        for event in batch { try sink.write(line(event)) }
                        progress?.advance(by: batch.count)
                    }
                    progress?.finish()
                }
                try sink.finish()
            } catch {
                sink.abandon()
                throw error
            }
        }
    }

    private func line(_ event: StoredEvent) -> String {
        switch format {
        case .csv:
            return CSV.record([String(event.position), event.stream, String(event.version), event.type,
                               Timestamp.text(event.recordedAt), event.data])
        case .jsonl:
            var out = "{\"position\":\(event.position),\"stream\":"
            JSONText.quote(event.stream, into: &out)
            out += ",\"version\":\(event.version),\"type\":"
            JSONText.quote(event.type, into: &out)
            out += ",\"recorded_at\":\"\(Timestamp.text(event.recordedAt))\",\"data\":\(event.data)}\n"
            return out
        }
    }
}
