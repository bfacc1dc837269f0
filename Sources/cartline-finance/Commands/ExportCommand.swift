import ArgumentParser

/// `export …`: raw material for other tools.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export raw log data.",
        subcommands: [ExportEventsCommand.self]
    )
}
