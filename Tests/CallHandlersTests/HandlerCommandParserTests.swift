@testable import CallHandlers
import Testing

@Suite("Parsing handler commands")
struct HandlerCommandParserTests {
    @Test func everyCommandOfTheProtocolParses() throws {
        let fixtures: [(String, HandlerCommand)] = [
            ("ANSWER", .answer),
            ("answer", .answer),
            ("DIAL customer 30000", .dial(.customer, timeoutMilliseconds: 30_000)),
            ("DIAL   agent  1", .dial(.agent, timeoutMilliseconds: 1)),
            ("DIAL AGENT 600000\r", .dial(.agent, timeoutMilliseconds: 600_000)),
            ("PLAY greeting", .play(prompt: "greeting")),
            ("PLAY no-agent_2", .play(prompt: "no-agent_2")),
            ("BRIDGE", .bridge),
            ("WAIT 250", .wait(milliseconds: 250)),
            ("GETDTMF 4 5000", .getDTMF(maxDigits: 4, timeoutMilliseconds: 5000)),
            ("SET note hello world", .set(name: "note", value: "hello world")),
            ("SET  score   42  ", .set(name: "score", value: "42  ")),
            ("HANGUP", .hangup(cause: nil)),
            ("HANGUP no-agent", .hangup(cause: "no-agent")),
        ]
        for (line, expected) in fixtures {
            #expect(try HandlerCommandParser.parse(line) == expected, "\(line)")
        }
    }

    @Test func formattedCommandsParseBackToThemselves() throws {
        let commands: [HandlerCommand] = clickToCallCommands + [
            .answer, .wait(milliseconds: 10), .getDTMF(maxDigits: 32, timeoutMilliseconds: 9),
            .set(name: "a_b", value: "x y"), .hangup(cause: "busy"),
        ]
        for command in commands {
            #expect(try HandlerCommandParser.parse(command.line) == command)
        }
    }

    @Test func unknownVerbsAndEmptyLinesAreUnknownCommands() {
        for line in ["", "   ", "FOO", "DIALX customer 1", "200 result=0", "800 event=hangup", "ANSWER\u{0}"] {
            #expect(throws: HandlerProtocolError.self, "\(line.debugDescription)") { try HandlerCommandParser.parse(line) }
        }
        #expect(throws: HandlerProtocolError.unknownCommand(verb: "FOO")) { try HandlerCommandParser.parse("FOO bar") }
        #expect(throws: HandlerProtocolError.unknownCommand(verb: "")) { try HandlerCommandParser.parse("") }
        #expect(HandlerProtocolError.unknownCommand(verb: "x").reply.line == "510 Invalid or unknown command")
    }

    @Test func wrongArgumentsAreUsageErrors() {
        let bad = [
            "ANSWER now", "BRIDGE 1", "DIAL", "DIAL customer", "DIAL boss 1000", "DIAL customer 0",
            "DIAL customer 600001", "DIAL customer -5", "DIAL customer 1e3", "DIAL customer 99999999999999999999",
            "PLAY", "PLAY ../../etc/passwd", "PLAY a b", "WAIT", "WAIT x", "GETDTMF 0 100", "GETDTMF 33 100",
            "GETDTMF 4", "SET", "SET name", "SET bad/name v", "HANGUP a b", "HANGUP bad.cause",
            "PLAY greet\u{7}ing", "SET a b\u{1B}c", "PLAY \(String(repeating: "x", count: 65))",
        ]
        for line in bad {
            do {
                _ = try HandlerCommandParser.parse(line)
                Issue.record("\(line.debugDescription) parsed")
            } catch {
                guard case .usage = error else { Issue.record("\(line.debugDescription): \(error)"); continue }
                #expect(error.reply.line.hasPrefix("520 Invalid usage: "))
            }
        }
    }

    @Test func linesOverTheLimitAreRejected() {
        let long = "SET a " + String(repeating: "v", count: 1100)
        #expect(throws: HandlerProtocolError.lineTooLong(maxBytes: 1024)) { try HandlerCommandParser.parse(long) }
    }

    @Test func tenThousandRandomLinesNeverCrashTheParser() throws {
        // A seeded generator, so a failure reproduces; lines mix protocol words with noise.
        var random = SplitMix64(seed: 0xCA27_11E5)
        let words = ["ANSWER", "DIAL", "customer", "agent", "PLAY", "BRIDGE", "WAIT", "GETDTMF", "SET", "HANGUP",
                     "0", "1", "30000", "600000", "-1", "99999999999", "greeting", "é", "\u{0}", "\r", " ", "=", "%"]
        var parsed = 0
        for _ in 0..<12_000 {
            var line = ""
            for _ in 0..<Int.random(in: 0...8, using: &random) {
                if Bool.random(using: &random) {
                    line += words[Int.random(in: 0..<words.count, using: &random)]
                } else {
                    let bytes = (0..<Int.random(in: 0...12, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                    line += String(decoding: bytes, as: UTF8.self)
                }
                line += Bool.random(using: &random) ? " " : ""
            }
            if let command = try? HandlerCommandParser.parse(line) {
                parsed += 1
                // Whatever parses formats to a line that parses to the same command.
                #expect(try HandlerCommandParser.parse(command.line) == command)
            }
        }
        #expect(parsed > 0)
    }
}

/// SplitMix64: a tiny seeded generator for reproducible fuzzing.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
