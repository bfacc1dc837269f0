import ArgumentParser

/// `cartline-finance`: finance's read-only view of the event log — replay, reports,
/// reconciliation and exports. It never appends: point it at a read replica.
@main
struct CartlineFinance: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cartline-finance",
        abstract: "Replay, report on, reconcile and export Cartline's money from the event log (read-only).",
        discussion: """
            Every subcommand takes --database-url URL (default: $CARTLINE_DATABASE_URL), so it can read a replica. \
            Times are ISO 8601 (2026-11-25T10:00:00Z, fractions and offsets allowed) or a date (2026-11-25, UTC midnight). \
            Report and export ranges are [--from, --to): recorded at or after --from and before --to; replay and \
            reconcile fold every event recorded at or before their instant.

            Exit status: 0 done; 1 failed, or reconcile found a discrepancy; 64 bad usage.
            """,
        subcommands: [ReplayCommand.self, ReportCommand.self, ReconcileCommand.self, ExportCommand.self]
    )

    /// Accepted before the subcommand too (`cartline-finance --database-url URL replay …`):
    /// ArgumentParser hands it to the subcommand, which declares the same group.
    @OptionGroup var database: DatabaseOptions
}
