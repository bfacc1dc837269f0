import CartlineTestSupport
import Foundation
import Testing

/// The command line: help for each command, and clear refusals of bad input.
@Suite("cartline-finance command line")
struct CommandLineTests {
    @Test func everyCommandExplainsItselfWithHelp() async throws {
        let commands: [[String]] = [[], ["replay"], ["report"], ["reconcile"], ["export", "events"]]
        for command in commands {
            let result = try await runFinance(command + ["--help"], databaseURL: nil)
            #expect(result.status == 0, "\(command): \(result.output)")
            #expect(result.stdout.contains("USAGE: cartline-finance"), "\(command): \(result.output)")
        }
        let report = try await runFinance(["report", "--help"], databaseURL: nil)
        #expect(report.stdout.contains("--database-url") && report.stdout.contains("conversion"))
    }

    @Test func badArgumentsAndBadTimesAreRefusedWithAClearMessage() async throws {
        let badTime = try await runFinance(["replay", "--as-of", "yesterday"], databaseURL: nil)
        #expect(badTime.status != 0)
        #expect(badTime.stderr.contains("'yesterday' is not a time"), "\(badTime.output)")

        let badKind = try await runFinance(["report", "profits", "--from", "2026-11-01", "--to", "2026-12-01"], databaseURL: nil)
        #expect(badKind.status != 0)
        #expect(badKind.stderr.contains("'profits'") && badKind.stderr.contains("conversion"), "\(badKind.output)")

        let backwards = try await runFinance(["report", "calls", "--from", "2026-12-01", "--to", "2026-11-01"], databaseURL: nil)
        #expect(backwards.status != 0)
        #expect(backwards.stderr.contains("must be before --to"), "\(backwards.output)")

        let badFormat = try await runFinance(["export", "events", "--from", "2026-11-01", "--to", "2026-12-01", "--format", "xml"], databaseURL: nil)
        #expect(badFormat.status != 0 && badFormat.stderr.contains("xml"), "\(badFormat.output)")

        let unknownOption = try await runFinance(["reconcile", "--yesterday"], databaseURL: nil)
        #expect(unknownOption.status != 0 && unknownOption.stderr.contains("--yesterday"), "\(unknownOption.output)")
    }

    @Test func noDatabaseOrAnUnreachableOneIsAClearFailure() async throws {
        let none = try await runFinance(["reconcile"], databaseURL: nil)
        #expect(none.status == 1)
        #expect(none.stderr.contains("CARTLINE_DATABASE_URL"), "\(none.output)")
        #expect(none.stdout.isEmpty)

        let closed = try await runFinance(["replay", "--as-of", "2026-11-25", "--database-url", "postgres://finance@127.0.0.1:1/none"],
                                          databaseURL: nil)
        #expect(closed.status == 1)
        #expect(closed.stderr.contains("cannot reach the database"), "\(closed.output)")

        // The option may come before the subcommand as well.
        let leading = try await runFinance(["--database-url", "postgres://finance@127.0.0.1:1/none", "reconcile"], databaseURL: nil)
        #expect(leading.status == 1)
        #expect(leading.stderr.contains("cannot reach the database at postgres://finance@127.0.0.1:1/none"), "\(leading.output)")
    }
}
