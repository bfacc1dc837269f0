import ArgumentParser
import Engine
import EventLog
import Foundation
import Logging

struct ProjectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projections",
        abstract: "Inspect and rebuild the read models kept from the log.",
        subcommands: [Status.self, Rebuild.self]
    )

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each projection's and saga's checkpoint, lag behind the head, leader and rows.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let logger = Logger(label: "cartline.projections")
            do {
                try await database.withClient(logger: logger) { client in
                    let log = EventLog(client: client, logger: logger)
                    let statuses = try await withTimeLimit(seconds: 30, what: "projections status") {
                        try await ProjectionMaintenance(log: log, logger: logger).status()
                    }
                    for status in statuses {
                        print("\(status.name) (\(status.kind.rawValue))  checkpoint \(status.checkpoint?.description ?? "none")  "
                              + "head \(status.headPosition)  behind \(status.behind)  rows \(status.rows.map(String.init) ?? "-")  "
                              + "leader \(status.hasLeader ? "yes" : "none")")
                    }
                }
            } catch {
                FileHandle.standardError.write(Data("cartline projections status: \(CommandFailure.describe(error))\n".utf8))
                throw ExitCode.failure
            }
        }
    }

    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild a projection from position zero into a shadow table, then swap it in once caught up.",
            discussion: "Known projections: \(ProjectionCatalog.all.map(\.name).joined(separator: ", ")).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The projection's name.") var name: String

        func validate() throws {
            do { _ = try ProjectionCatalog.named(name) } catch { throw ValidationError(error.description) }
        }

        func run() async throws {
            let logger = Logger(label: "cartline.projections")
            let name = self.name
            do {
                try await database.withClient(logger: logger) { client in
                    let log = EventLog(client: client, logger: logger)
                    let position = try await ProjectionMaintenance(log: log, logger: logger).rebuild(name)
                    print("\(name): rebuilt up to \(position) and swapped in")
                }
            } catch {
                FileHandle.standardError.write(Data("cartline projections rebuild: \(CommandFailure.describe(error))\n".utf8))
                throw ExitCode.failure
            }
        }
    }
}
