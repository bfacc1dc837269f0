import ArgumentParser
import Billing
import Foundation
import Logging

/// `reconcile`: checks the ledger against the calls; exit 1 when anything disagrees.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Check every charged call, posting, hold and currency of the log; exit 1 on any discrepancy.",
        discussion: """
            Over every event recorded at or before --now: each ended call with
            charge terms and billable time has exactly one charging posting;
            each posting names a call in the log; debits equal credits per
            currency; each hold is posted, voided or expired, or pending before
            its expiry while its call is not over. Prints each discrepancy on
            its own line, or "reconciled: N calls, M postings, 0 discrepancies".
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("The instant to reconcile at (default: now).", valueName: "TIME"), transform: FinanceTime.argument)
    var now: FinanceTime?

    func run() async throws {
        let instant = now?.date ?? Date()
        var found = 0
        try await FinanceCommand.run("reconcile") { logger in
            let state = try await database.withClient(logger: logger) { client in
                try await FinanceState.load(EventReader(client: client, logger: logger), range: .asOf(instant), window: .asOf(instant),
                                            progressLabel: nil)
            }
            let discrepancies = Reconciliation(state: state, now: instant).discrepancies
            for line in discrepancies { print(line) }
            found = discrepancies.count
            print("\(found == 0 ? "reconciled" : "not reconciled"): \(state.calls.count) calls, \(state.ledger.postingCount) postings, "
                  + "\(found) discrepanc\(found == 1 ? "y" : "ies")")
        }
        if found > 0 { throw ExitCode.failure }
    }
}
