import ArgumentParser
import Foundation
import Logging

/// `report KIND --from --to`: calls, charges, revenue, invoices or conversion over a range.
struct ReportCommand: AsyncParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json, html }

    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report calls, charges, revenue, invoices or conversion for events recorded in [--from, --to).",
        discussion: """
            calls       calls requested in the range: count, answered, failed,
                        billable time, charged
            charges     every ledger entry in the range: payer, reason, amount
            revenue     platform revenue and merchant receivable movements
            invoices    InvoiceIssued events (empty until invoices are issued)
            conversion  carts offered a call vs the holdout group: conversion,
                        revenue per cart, uplift with a 95% confidence interval

            --by groups calls, charges and revenue. html is one self-contained
            page with inline SVG charts (revenue by day, conversion) and no
            scripts.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("calls, charges, revenue, invoices or conversion.", valueName: "kind"))
    var kind: ReportKind

    @Option(help: ArgumentHelp("Start of the range (inclusive).", valueName: "TIME"), transform: FinanceTime.argument)
    var from: FinanceTime

    @Option(help: ArgumentHelp("End of the range (exclusive).", valueName: "TIME"), transform: FinanceTime.argument)
    var to: FinanceTime

    @Option(help: "Group by merchant, day or mode.")
    var by: GroupBy = .merchant

    @Option(help: "table, csv, json or html.")
    var format: Format = .table

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard from.date < to.date else { throw ValidationError("--from (\(from)) must be before --to (\(to))") }
    }

    func run() async throws {
        try await FinanceCommand.run("report") { logger in
            let sink = try output.sink()
            do {
                let window = RecordedRange.between(from.date, to.date)
                let state = try await database.withClient(logger: logger) { client in
                    try await FinanceState.load(EventReader(client: client, logger: logger), range: .before(to.date), window: window,
                                                progressLabel: nil)
                }
                let table = kind.table(state, by: by)
                switch format {
                case .table:
                    var text = "\(table.title), recorded \(Timestamp.text(from.date)) to \(Timestamp.text(to.date)) (end excluded)\n"
                    text += TextTable.render(table)
                    for note in table.notes { text += note + "\n" }
                    try sink.write(text)
                case .csv: try sink.write(CSV.render(table))
                case .json: try sink.write(table.json.rendered() + "\n")
                case .html: try sink.write(HTMLReport.render(table, range: window, state: state))
                }
                try sink.finish()
            } catch {
                sink.abandon()
                throw error
            }
        }
    }
}

extension ReportKind: ExpressibleByArgument {}
extension GroupBy: ExpressibleByArgument {}
