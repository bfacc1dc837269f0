import CartlineTestSupport
import Foundation
import PostgresNIO
import Testing

/// `cartline-finance replay --as-of`: deterministic, and as of an instant means as of it.
@Suite("cartline-finance replay")
struct ReplayCommandTests {
    @Test func replayingTwiceGivesIdenticalBytesAndAnEarlierInstantShowsTheBalanceBeforeAPosting() async throws {
        try await TestDatabase.with { db in
            let fixture = try FinanceFixture()
            try await db.withEventLog { log in
                try await fixture.write(log)
                // The post must be recorded visibly later than everything before it.
                try await Task.sleep(for: .milliseconds(60))
                try await fixture.postShopperCall(log)
            }
            let postedAt = try await recordedAt(ofType: "HoldPosted", db)
            let later = timeText(postedAt.addingTimeInterval(1))
            let first = try await runFinance(["replay", "--as-of", later, "--database-url", db.url], databaseURL: nil)
            let second = try await runFinance(["replay", "--as-of", later], databaseURL: db.url)
            #expect(first.status == 0, "\(first.output)")
            #expect(!first.stdout.isEmpty)
            #expect(first.stdout == second.stdout)
            try saveArtifact("finance-replay.txt", first.stdout)
            let firstJSON = try await runFinance(["replay", "--as-of", later, "--format", "json"], databaseURL: db.url)
            let secondJSON = try await runFinance(["replay", "--as-of", later, "--format", "json"], databaseURL: db.url)
            #expect(firstJSON.status == 0 && firstJSON.stdout == secondJSON.stdout, "\(firstJSON.output)")

            let wallet = "wallet:\(fixture.shopperId.uuidString.lowercased())"
            let after = try balances(firstJSON.stdout)
            #expect(after[wallet]?.balance == "9.35")  // 10.00 topped up, 0.65 charged
            #expect(after[wallet]?.held == "0.00")
            #expect(after["platform:revenue"]?.balance == "0.485")  // 0.065 + 0.30 + 0.12
            #expect(after["merchant:acme"]?.balance == "0.285")  // +0.585 shopper share, -0.30 ASP usage
            #expect(firstJSON.stdout.contains("\"payer\": \"sponsor:bigbank\""))
            #expect(first.stdout.contains(fixture.shopperCallId.uuidString.lowercased()))

            let before = try await runFinance(["replay", "--as-of", timeText(postedAt.addingTimeInterval(-0.03)), "--format", "json"],
                                              databaseURL: db.url)
            #expect(before.status == 0, "\(before.output)")
            let earlier = try balances(before.stdout)
            #expect(earlier[wallet]?.balance == "10.00")
            #expect(earlier[wallet]?.held == "2.00")  // the shopper call's hold, not yet posted
            #expect(before.stdout.contains("\"hold_id\": \"hold-a\""))
        }
    }

    @Test func aProgressBarIsDrawnOnATerminalAndNeverOnAPipe() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in try await FinanceFixture().write(log) }
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(UUID().uuidString).txt")
            defer { try? FileManager.default.removeItem(at: output) }
            // `script` runs the command on a pseudo-terminal: standard error is a terminal there.
            let command = "'\(try financeBinary().path)' replay --as-of 2100-01-01 --output '\(output.path)'"
            let onTerminal = try await runProcess(URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, "/dev/null"],
                                                  environment: { $0["CARTLINE_DATABASE_URL"] = db.url })
            #expect(onTerminal.status == 0, "\(onTerminal.output)")
            #expect(onTerminal.stdout.contains("replay [##############################] 100%"), "\(onTerminal.output)")
            #expect(try String(contentsOf: output, encoding: .utf8).hasPrefix("cartline-finance replay as of 2100-01-01T00:00:00.000Z\n"))

            let piped = try await runFinance(["replay", "--as-of", "2100-01-01"], databaseURL: db.url)
            #expect(piped.status == 0 && piped.stderr.isEmpty, "\(piped.output)")
        }
    }

    @Test func anInstantBeforeTheLogBeganShowsNothing() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in try await FinanceFixture().write(log) }
            let result = try await runFinance(["replay", "--as-of", "2001-01-01"], databaseURL: db.url)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.stdout.contains("events folded: 0"))
            #expect(result.stdout.contains("balances\n(none)"))
        }
    }
}

/// `recorded_at` of the first event of `type`, read straight from the table.
func recordedAt(ofType type: String, _ db: TestDatabase) async throws -> Date {
    let rows = try await db.client.query("SELECT recorded_at FROM events WHERE event_type = \(type) ORDER BY global_position LIMIT 1",
                                         logger: TestDatabase.logger)
    for try await date in rows.decode(Date.self) { return date }
    throw FixtureError.missing(type)
}

enum FixtureError: Error { case missing(String) }

/// Keeps an output under `.data/artifacts/` for a person to look at after the run.
func saveArtifact(_ name: String, _ text: String) throws {
    let artifacts = TestDatabase.projectRoot.appendingPathComponent(".data/artifacts")
    try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
    try text.write(to: artifacts.appendingPathComponent(name), atomically: true, encoding: .utf8)
}

func timeText(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }

/// `account → (balance, held)` from `replay --format json`, as the text of the numbers.
func balances(_ json: String) throws -> [String: (balance: String, held: String)] {
    // Numbers are read as the text the tool wrote: JSONSerialization would round them to Double.
    var result: [String: (String, String)] = [:]
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let rows = try #require(object["balances"] as? [[String: Any]])
    for row in rows {
        let account = try #require(row["account"] as? String)
        let balance = try #require(row["balance"] as? NSNumber)
        let held = try #require(row["held"] as? NSNumber)
        result[account] = (DecimalText.text(balance), DecimalText.text(held))
    }
    return result
}

private enum DecimalText {
    /// Two decimals at least, as the tool prints EUR.
    static func text(_ number: NSNumber) -> String {
        let micros = Int64((number.doubleValue * 1_000_000).rounded())
        var fraction = String(abs(micros) % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.count > 2, fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(micros < 0 ? "-" : "")\(abs(micros) / 1_000_000).\(fraction)"
    }
}
