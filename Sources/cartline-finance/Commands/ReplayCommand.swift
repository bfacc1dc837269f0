import ArgumentParser
import Foundation
import Logging

/// `replay --as-of TIME`: the ledger and the calls as they stood at an instant.
struct ReplayCommand: AsyncParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Fold every event recorded at or before --as-of into balances, pending holds and call records.",
        discussion: "Deterministic: the same log gives byte-identical output, sorted, with fixed number formatting."
    )

    @OptionGroup var database: DatabaseOptions

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Fold events recorded at or before TIME.", valueName: "TIME"),
            transform: FinanceTime.argument)
    var asOf: FinanceTime

    @Option(help: "text or json.")
    var format: Format = .text

    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await FinanceCommand.run("replay") { logger in
            let sink = try output.sink()
            do {
                let state = try await database.withClient(logger: logger) { client in
                    try await FinanceState.load(EventReader(client: client, logger: logger), range: .asOf(asOf.date),
                                                window: .asOf(asOf.date), progressLabel: "replay")
                }
                let summary = ReplaySummary(asOf: asOf.date, state: state)
                try sink.write(format == .json ? summary.json.rendered() + "\n" : summary.text)
                try sink.finish()
            } catch {
                sink.abandon()
                throw error
            }
        }
    }
}
