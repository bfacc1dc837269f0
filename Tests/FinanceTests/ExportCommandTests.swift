import CartlineTestSupport
import Foundation
import PostgresNIO
import Testing

/// `cartline-finance export events`: every event of the range, one line each.
@Suite("cartline-finance export events")
struct ExportCommandTests {
    @Test func jsonLinesHoldOneParseableLinePerEventInTheRange() async throws {
        try await TestDatabase.with { db in
            try await db.withEventLog { log in try await FinanceFixture().write(log) }
            let rows = try await db.client.query("SELECT count(*)::int8 FROM events", logger: TestDatabase.logger)
            var stored: Int64 = 0
            for try await count in rows.decode(Int64.self) { stored = count }
            #expect(stored > 20)

            let range = ["--from", "2000-01-01", "--to", "2100-01-01"]
            let jsonl = try await runFinance(["export", "events"] + range + ["--format", "jsonl"], databaseURL: db.url)
            #expect(jsonl.status == 0, "\(jsonl.output)")
            #expect(jsonl.stderr.isEmpty)  // no progress bar on a pipe
            let lines = jsonl.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            #expect(Int64(lines.count) == stored)
            var positions: [Int] = []
            for line in lines {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                positions.append(try #require(object["position"] as? Int))
                #expect(object["data"] is [String: Any] && object["stream"] is String && object["type"] is String && object["recorded_at"] is String)
            }
            #expect(Set(positions).count == positions.count)

            let file = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString).csv")
            defer { try? FileManager.default.removeItem(at: file) }
            let csv = try await runFinance(["export", "events"] + range + ["--format", "csv", "--output", file.path], databaseURL: db.url)
            #expect(csv.status == 0, "\(csv.output)")
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(text.hasPrefix("position,stream,version,type,recorded_at,data\r\n"))
            // The JSON bodies hold commas and quotes, so every data field is quoted.
            #expect(text.components(separatedBy: "\r\n").dropFirst().dropLast().allSatisfy { $0.hasSuffix("}\"") })

            let empty = try await runFinance(["export", "events", "--from", "2001-01-01", "--to", "2001-01-02", "--format", "jsonl"],
                                             databaseURL: db.url)
            #expect(empty.status == 0 && empty.stdout.isEmpty, "\(empty.output)")
        }
    }
}
