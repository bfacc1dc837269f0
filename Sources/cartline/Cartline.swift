import ArgumentParser

@main
struct Cartline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cartline",
        abstract: "Cartline: an event-sourced transaction engine for web shops.",
        discussion: """
            Configuration comes from the environment (each has a matching option):
              DATABASE_URL             postgres://user[:password]@host:port/database
              CARTLINE_MIGRATIONS_DIR  folder of NNNN_name.sql files (default: ./Migrations)
            `cartline serve --help` lists the server's settings.
            """,
        subcommands: [ServeCommand.self, MigrateCommand.self, ProjectionsCommand.self, SealDestinationsCommand.self, CheckInvariantsCommand.self]
    )
}
