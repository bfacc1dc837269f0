import ArgumentParser
import Engine
import EventLog
import Foundation
import Logging
import WebAPI

struct SealDestinationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal-destinations",
        abstract: "Seal the phone numbers and SIP URIs of calls requested before destinations were sealed.",
        discussion: """
            Rewrites only the destination field of old CallRequested events, sealing it under each
            shopper's key (so erasing the shopper makes it unreadable). Needs CARTLINE_SEALING_KEY
            and a database role that may bypass the log's immutability trigger (superuser or owner).
            Safe to run again: it finds nothing left to seal.
            """
    )

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let logger = Logger(label: "cartline.seal-destinations")
        let key: SecretKey
        do { key = try WebConfiguration.secretKey("CARTLINE_SEALING_KEY", in: ProcessInfo.processInfo.environment) } catch {
            throw ValidationError(error.description)
        }
        do {
            let sealed = try await database.withClient(logger: logger) { client in
                let log = EventLog(client: client, logger: logger)
                return try await DestinationSealing(log: log, vault: PersonalDataVault(log: log, sealingKey: key, sealingKeyID: "s1")).sealAll()
            }
            print("seal-destinations: sealed \(sealed) destination\(sealed == 1 ? "" : "s")")
        } catch {
            FileHandle.standardError.write(Data("cartline seal-destinations: \(CommandFailure.describe(error))\n".utf8))
            throw ExitCode.failure
        }
    }
}
