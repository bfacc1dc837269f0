import Foundation
import Hummingbird
import HummingbirdTesting
import Telephony
import TelephonyNode
import Testing

@Suite("cartline-ops against a live ops API")
struct OpsCommandLineTests {
    /// Runs `test` with a live ops API over `control` and the CLI arguments that reach it.
    static func withNode(_ control: OpsTestControl, _ test: @escaping @Sendable ([String]) async throws -> Void) async throws {
        try await OpsTestApp.application(control).test(.live) { client in
            let port = try #require(client.port)
            try await test(["--url", "http://localhost:\(port)", "--token", OpsTestApp.token])
        }
    }

    @Test func statusPrintsASummaryAndOneAlignedRowPerChannel() async throws {
        try await Self.withNode(OpsTestControl()) { connection in
            let result = try await OpsCommandLine.run(["status"] + connection)
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.first?.hasPrefix("node ops-test: running, 3 channels (1 busy, 1 free, 1 failed)") == true, "\(result.stdout)")
            let header = try #require(lines.firstIndex { $0.hasPrefix("CHANNEL") })
            let rows = Array(lines[(header + 1)...(header + 3)])
            #expect(rows[0].hasPrefix("1 "))
            #expect(rows[0].contains(OpsTestControl.busyCallId.uuidString.lowercased()))
            #expect(rows[0].contains("4242"))
            #expect(rows[0].contains("2026-11-18T11:06:40Z"))
            #expect(rows[1].hasPrefix("2 ") && rows[1].contains("idle"))
            #expect(rows[2].hasPrefix("3 ") && rows[2].contains("failed"))
            // Aligned: every column starts at the same offset in every row.
            let stateColumn = try #require(lines[header].range(of: "STATE")).lowerBound.utf16Offset(in: lines[header])
            for row in rows { #expect(row.dropFirst(stateColumn).first?.isLetter == true, "\(row)") }
            #expect(result.stdout.contains("signal 9"))  // the last handler exits
        }
    }

    @Test func jsonPrintsTheAPIsJSONAsIs() async throws {
        let control = OpsTestControl()
        try await Self.withNode(control) { connection in
            let result = try await OpsCommandLine.run(["status", "--json"] + connection)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.split(separator: "\n").count == 1)
            let status = try OpsTestApp.decoder.decode(PoolStatus.self, from: Data(result.stdout.utf8))
            #expect(status == (await control.status()))
            let calls = try await OpsCommandLine.run(["calls", "--json"] + connection)
            #expect(calls.stdout.hasPrefix("{\"calls\":[{"))
        }
    }

    @Test func callsDrainResumeAndRestartSayWhatHappened() async throws {
        let control = OpsTestControl()
        try await Self.withNode(control) { connection in
            let calls = try await OpsCommandLine.run(["calls"] + connection)
            #expect(calls.status == 0)
            #expect(calls.stdout.hasPrefix("CALL "))
            #expect(calls.stdout.contains("bridged"))
            let drain = try await OpsCommandLine.run(["drain"] + connection)
            #expect(drain.status == 0)
            #expect(drain.stdout.contains("draining"))
            let resume = try await OpsCommandLine.run(["resume"] + connection)
            #expect(resume.stdout.contains("running"))
            let restart = try await OpsCommandLine.run(["restart-handlers"] + connection)
            #expect(restart.stdout == "restarted 2 warm handlers\n")
        }
        #expect(await control.drains == 1)
        #expect(await control.resumes == 1)
        #expect(await control.restarts == 1)
    }

    @Test func theURLAndTokenComeFromTheEnvironment() async throws {
        try await OpsTestApp.application(OpsTestControl()).test(.live) { client in
            let port = try #require(client.port)
            let result = try await OpsCommandLine.run(
                ["status", "--json"], environment: ["CARTLINE_OPS_URL": "http://localhost:\(port)/", "CARTLINE_OPS_TOKEN": OpsTestApp.token])
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    @Test func aWrongTokenExits3() async throws {
        try await OpsTestApp.application(OpsTestControl()).test(.live) { client in
            let port = try #require(client.port)
            let result = try await OpsCommandLine.run(["status", "--url", "http://localhost:\(port)", "--token", "wrong-token-0123456789"])
            #expect(result.status == 3)
            #expect(result.stderr.contains("unauthorized"))
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func hangingUpAKnownCallExits0AndAnUnknownOne4() async throws {
        let control = OpsTestControl()
        let unknown = UUID()
        try await Self.withNode(control) { connection in
            let known = try await OpsCommandLine.run(["hangup", OpsTestControl.busyCallId.uuidString] + connection)
            #expect(known.status == 0, "\(known.stderr)")
            #expect(known.stdout.contains("hanging up call \(OpsTestControl.busyCallId.uuidString.lowercased())"))
            let missing = try await OpsCommandLine.run(["hangup", unknown.uuidString] + connection)
            #expect(missing.status == 4)
            #expect(missing.stderr.contains("no live call"))
        }
        #expect(await control.hangUps == [OpsTestControl.busyCallId, unknown])
    }

    @Test func nothingListeningExits5AndNamesTheURL() async throws {
        // Port 1 (tcpmux) is not served on a test machine: the connection is refused.
        let result = try await OpsCommandLine.run(["status", "--url", "http://127.0.0.1:1", "--token", OpsTestApp.token])
        #expect(result.status == 5)
        #expect(result.stderr.contains("http://127.0.0.1:1"), "\(result.stderr)")
    }

    @Test func badUsageExits2() async throws {
        let token = ["--token", OpsTestApp.token, "--url", "http://127.0.0.1:1"]
        let cases: [[String]] = [
            ["frobnicate"] + token,
            ["status", "--no-such-option"] + token,
            ["hangup"] + token,
            ["hangup", "not-a-uuid"] + token,
            ["tail", "--count", "0"] + token,
            ["status", "--url", "ftp://example"] + token.prefix(2),
            ["status", "--url", "http://127.0.0.1:1"],  // no token anywhere
        ]
        for arguments in cases {
            let result = try await OpsCommandLine.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(!result.stderr.isEmpty)
        }
        let missingToken = try await OpsCommandLine.run(["status"])
        #expect(missingToken.stderr.contains("CARTLINE_OPS_TOKEN"))
        let help = try await OpsCommandLine.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Exit status:"))
        #expect(help.stdout.contains("5  node unreachable"))
    }

    @Test func tailPrintsEventsAsTheyComeAndStopsAfterCount() async throws {
        let control = OpsTestControl()
        try await Self.withNode(control) { connection in
            let human = try OpsCommandLine.start(["tail", "--count", "2"] + connection)
            try await control.tail.waitForSubscribers(1)
            control.tail.emit(.opsSample("call-started", detail: "dialling"))
            control.tail.emit(.opsSample("call-answered", detail: "answered\nafter\u{1B}2 s"))
            control.tail.emit(.opsSample("call-ended", detail: "not printed: past --count"))
            let result = try await human.wait()
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines.first?.contains("call-started") == true)
            #expect(lines.first?.contains(OpsTestControl.busyCallId.uuidString.lowercased()) == true)
            #expect(lines.last?.hasSuffix("answered after 2 s") == true)

            try await waitForNoSubscribers(control)
            let json = try OpsCommandLine.start(["tail", "--json", "--count", "1"] + connection)
            try await control.tail.waitForSubscribers(1)
            control.tail.emit(.opsSample("handler-exited", detail: "signal 9"))
            let jsonResult = try await json.wait()
            #expect(jsonResult.status == 0)
            let event = try OpsTestApp.decoder.decode(OpsEvent.self, from: Data(jsonResult.stdout.utf8))
            #expect(event == .opsSample("handler-exited", detail: "signal 9"))
        }
    }

    @Test func tailStopsAfterSeconds() async throws {
        let control = OpsTestControl()
        try await Self.withNode(control) { connection in
            let started = ContinuousClock.now
            let result = try await OpsCommandLine.run(["tail", "--seconds", "1"] + connection)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    private func waitForNoSubscribers(_ control: OpsTestControl) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while control.tail.subscriberCount > 0 {
            guard ContinuousClock.now < deadline else { throw OpsTestError.timedOut("the first tail to close") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
