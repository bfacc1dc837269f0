import ArgumentParser
import Foundation

/// Finds the `Migrations/` folder: the option, then $CARTLINE_MIGRATIONS_DIR, then
/// `./Migrations`, then the checkout the binary was built in (`.build/<config>/cartline`).
struct MigrationsLocation: ParsableArguments {
    @Option(name: .customLong("migrations-dir"), help: "Folder of NNNN_name.sql files (default: $CARTLINE_MIGRATIONS_DIR or ./Migrations).")
    var migrationsDirectory: String?

    func resolved() throws -> URL {
        if let path = migrationsDirectory ?? ProcessInfo.processInfo.environment["CARTLINE_MIGRATIONS_DIR"] {
            return URL(fileURLWithPath: path)
        }
        let candidates = [
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Migrations"),
            URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
                .deletingLastPathComponent().appendingPathComponent("../../../Migrations").standardized,
            URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
                .deletingLastPathComponent().appendingPathComponent("../../Migrations").standardized,
        ]
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate.appendingPathComponent("0001_event_log.sql").path) {
            return candidate
        }
        throw ValidationError("cannot find the Migrations folder: pass --migrations-dir or set CARTLINE_MIGRATIONS_DIR")
    }
}
