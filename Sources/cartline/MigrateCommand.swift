import ArgumentParser
import EventLog
import Foundation
import Logging

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending migrations in order, each once, under an advisory lock.",
        discussion: "Refuses to run if an applied migration was edited since. Exits 1 on any failure."
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var location: MigrationsLocation

    @Flag(name: .customLong("status"), help: "List applied and pending migrations; change nothing.")
    var statusOnly = false

    @Option(name: .customLong("timeout"), help: "Give up after this many seconds (database down, lock held).")
    var timeoutSeconds: Int = 60

    func run() async throws {
        let logger = Logger(label: "cartline.migrate")
        let migrations: [Migration]
        do { migrations = try Migration.load(from: try location.resolved()) } catch let error as MigrationError {
            throw ValidationError(error.description)
        }
        let statusOnly = self.statusOnly
        let timeoutSeconds = self.timeoutSeconds
        do {
            try await database.withClient(logger: logger) { client in
                let runner = MigrationRunner(client: client, migrations: migrations, logger: logger, lockWaitSeconds: timeoutSeconds)
                try await withTimeLimit(seconds: timeoutSeconds, what: "migrate") {
                    if statusOnly {
                        for status in try await runner.status() { print(Self.line(for: status)) }
                    } else {
                        let applied = try await runner.migrate()
                        print(applied.isEmpty ? "migrations: up to date" : "migrations: applied \(applied.map(\.fileName).joined(separator: ", "))")
                    }
                }
            }
        } catch {
            FileHandle.standardError.write(Data("cartline migrate: \(CommandFailure.describe(error))\n".utf8))
            throw ExitCode.failure
        }
    }

    static func line(for status: MigrationRunner.Status) -> String {
        let state = switch status.state {
        case .applied(checksumMatches: true): "applied"
        case .applied(checksumMatches: false): "applied, EDITED SINCE (refused)"
        case .pending: "pending"
        case .unknown: "applied, unknown to this build"
        }
        return "\(String(format: "%04d", status.version))  \(status.name)  \(state)"
    }
}
