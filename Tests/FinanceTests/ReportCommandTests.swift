import CartlineTestSupport
import Foundation
import Testing

/// `cartline-finance report`: the numbers of the fixture, CSV quoting, empty ranges and the
/// HTML page as a browser shows it.
@Suite("cartline-finance report")
struct ReportCommandTests {
    static let everything = ["--from", "2000-01-01", "--to", "2100-01-01"]

    @Test func callsAreCountedPerMerchantAndTheMerchantNameIsQuotedInCSV() async throws {
        try await withFixture { db, _ in
            let result = try await runFinance(["report", "calls"] + Self.everything + ["--format", "csv"], databaseURL: db.url)
            #expect(result.status == 0, "\(result.output)")
            let records = result.stdout.components(separatedBy: "\r\n")
            #expect(records.first == "merchant,currency,calls,answered,failed,billable_seconds,billable_minutes,charged")
            // A shopper call of 65 s (0.65) and a merchant call of 30 s (0.30) answered, one failed.
            #expect(records.contains("acme,EUR,3,2,1,95,1.58,0.95"), "\(result.stdout)")
            #expect(records.contains("bolt,EUR,1,1,0,120,2.00,1.20"), "\(result.stdout)")
            #expect(records.contains("\"Quote \"\"Q\"\", Inc\",-,1,0,1,0,0.00,0.00"), "\(result.stdout)")
            #expect(records.last == "")  // every record ends with CRLF
            let table = try await runFinance(["report", "calls"] + Self.everything + ["--by", "mode"], databaseURL: db.url)
            #expect(table.status == 0 && table.stdout.contains("voip  EUR       4"), "\(table.output)")
            try saveArtifact("finance-calls.txt", table.stdout)
        }
    }

    @Test func anEmptyRangeGivesOnlyTheHeaderInCSVAndNoRowsOtherwise() async throws {
        try await withFixture { db, _ in
            let range = ["--from", "2001-01-01", "--to", "2001-01-02"]
            let csv = try await runFinance(["report", "charges"] + range + ["--format", "csv"], databaseURL: db.url)
            #expect(csv.status == 0, "\(csv.output)")
            #expect(csv.stdout == "merchant,recorded_at,position,posting_id,type,call_id,payer,reason,amount,currency,legs\r\n")
            let json = try await runFinance(["report", "revenue"] + range + ["--format", "json"], databaseURL: db.url)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect((object["rows"] as? [Any])?.isEmpty == true, "\(json.output)")
            let conversion = try await runFinance(["report", "conversion"] + range, databaseURL: db.url)
            #expect(conversion.status == 0 && conversion.stdout.contains("n too small"), "\(conversion.output)")
            let invoices = try await runFinance(["report", "invoices"] + Self.everything, databaseURL: db.url)
            #expect(invoices.status == 0 && invoices.stdout.contains("no InvoiceIssued events"), "\(invoices.output)")
        }
    }

    @Test func revenueAndChargesFollowThePostings() async throws {
        try await withFixture { db, fixture in
            let revenue = try await runFinance(["report", "revenue"] + Self.everything + ["--format", "csv"], databaseURL: db.url)
            let records = revenue.stdout.components(separatedBy: "\r\n")
            #expect(records.contains("acme,EUR,2,0.365,0.285"), "\(revenue.output)")
            #expect(records.contains("-,EUR,1,0.00,0.00"), "\(revenue.output)")  // the top-up names no merchant
            #expect(records.contains("bolt,EUR,1,0.12,1.08"), "\(revenue.output)")
            let charges = try await runFinance(["report", "charges"] + Self.everything + ["--by", "mode", "--format", "json"], databaseURL: db.url)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(charges.stdout.utf8)) as? [String: Any])
            let rows = try #require(object["rows"] as? [[String: Any]])
            #expect(rows.count == 7)
            let sponsor = try #require(rows.first { $0["posting_id"] as? String == "charge-c" })
            #expect(sponsor["payer"] as? String == "sponsor:bigbank")
            #expect(sponsor["reason"] as? String == "sponsorCharge")
            #expect(sponsor["mode"] as? String == "voip")
            let void = try #require(rows.first { $0["posting_id"] as? String == "void-d" })
            #expect(void["call_id"] as? String == fixture.failedCallId.uuidString.lowercased())
        }
    }

    @Test func conversionComparesOfferedCartsWithTheHoldoutGroup() async throws {
        try await withFixture { db, _ in
            let result = try await runFinance(["report", "conversion"] + Self.everything + ["--format", "csv"], databaseURL: db.url)
            let records = result.stdout.components(separatedBy: "\r\n")
            // 2 of 3 offered carts bought (50 + 30 EUR), 1 of 2 held out (20 EUR).
            #expect(records.contains("offered,3,2,0.6667,,,80.00,26.666666,EUR"), "\(result.stdout)")
            #expect(records.contains("holdout,2,1,0.5000,,,20.00,10.00,EUR"), "\(result.stdout)")
            // 0.1667 ± 1.96 × sqrt(0.6667×0.3333/3 + 0.5×0.5/2) = 0.1667 ± 0.8745
            #expect(records.contains("uplift,5,3,0.1667,-0.7078,1.0412,,,"), "\(result.stdout)")
            let table = try await runFinance(["report", "conversion"] + Self.everything, databaseURL: db.url)
            try saveArtifact("finance-conversion.txt", table.stdout)
        }
    }

    @Test func theHTMLReportIsOneSelfContainedPageThatChromiumRenders() async throws {
        try await withFixture { db, _ in
            let artifacts = TestDatabase.projectRoot.appendingPathComponent(".data/artifacts")
            try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
            let page = artifacts.appendingPathComponent("finance-report.html")
            let result = try await runFinance(["report", "revenue"] + Self.everything + ["--by", "day", "--format", "html", "--output", page.path],
                                              databaseURL: db.url)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.stdout.isEmpty)
            let html = try String(contentsOf: page, encoding: .utf8)
            #expect(html.hasPrefix("<!DOCTYPE html>"))
            #expect(html.contains("<svg") && html.contains("<style>"))
            #expect(html.components(separatedBy: "<svg").count - 1 == 2)  // revenue by day, conversion
            #expect(!html.lowercased().contains("<script"))
            #expect(!html.contains("src=") && !html.contains("href=") && !html.contains("https://"))

            let screenshot = artifacts.appendingPathComponent("finance-report.png")
            try? FileManager.default.removeItem(at: screenshot)
            let chromium = try await runProcess(URL(fileURLWithPath: "/usr/bin/chromium"), [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--screenshot=\(screenshot.path)", "--window-size=1200,1600", page.absoluteString,
            ], timeoutSeconds: 90)
            let size = (try? FileManager.default.attributesOfItem(atPath: screenshot.path)[.size] as? Int) ?? 0
            #expect(size > 1_000, "chromium: \(chromium.status) \(chromium.output)")
        }
    }

    private func withFixture(_ body: @Sendable (TestDatabase, FinanceFixture) async throws -> Void) async throws {
        try await TestDatabase.with { db in
            let fixture = try FinanceFixture()
            try await db.withEventLog { log in
                try await fixture.write(log)
                try await fixture.postShopperCall(log)
            }
            try await body(db, fixture)
        }
    }
}
