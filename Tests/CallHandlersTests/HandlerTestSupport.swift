import CallHandlers
import Foundation
import NIOCore
import NIOPosix
import TelephonyTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Paths, binaries and a scripted channel for the call-handler tests.
enum HandlerTestSupport {
    static let projectRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // CallHandlersTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    static var eventLoopGroup: any EventLoopGroup { MultiThreadedEventLoopGroup.singleton }

    /// Tests/Fixtures/handlers/`name`.
    static func fixture(_ name: String) -> String {
        projectRoot.appendingPathComponent("Tests/Fixtures/handlers/\(name)").path
    }

    /// Tools/handlers/`name`.
    static func tool(_ name: String) -> String {
        projectRoot.appendingPathComponent("Tools/handlers/\(name)").path
    }

    /// An executable SwiftPM built beside the test bundle (or in .build/debug).
    static func builtBinary(_ name: String) throws -> String { try BuiltProducts.executable(name) }

    /// Builds Tools/handlers/sample_plugin.c into a temporary directory with gcc.
    static func buildSamplePlugin() throws -> String { try BuiltProducts.samplePlugin() }

    static func header(channel: Int = 7) -> HandlerHeader {
        HandlerHeader(channel: channel, callID: UUID().uuidString, mode: .pstn, destination: "+33123456789",
                      agent: "Ada", agentURI: "sip:ada@agents.example", cartID: "cart-42",
                      cartValue: "123.45 EUR", shopperName: "Zoë Martin")
    }

    /// Fast limits for tests.
    static func limits() -> HandlerLimits {
        var limits = HandlerLimits()
        limits.idleTimeout = .seconds(20)
        limits.terminateGrace = .milliseconds(500)
        return limits
    }

    /// Plays the channel for the click-to-call flow: answers every command itself, sends
    /// events before some replies (so the handler must set them aside), and after BRIDGE
    /// reports that the customer hung up. Returns the commands seen.
    static func actAsChannel(_ conversation: HandlerConversation, customer: String = "answered", agent: String = "answered") async throws -> [HandlerCommand] {
        var seen: [HandlerCommand] = []
        for await command in conversation.commands {
            seen.append(command)
            #expect(seen.count < 50, "runaway conversation")
            if seen.count >= 50 { break }
            switch command {
            case .dial(.customer, _):
                if customer == "answered" { try await conversation.send(event: .answered(leg: .customer)) }
                try await conversation.reply(.ok(customer))
            case .dial(.agent, _):
                if agent == "answered" { try await conversation.send(event: .answered(leg: .agent)) }
                try await conversation.reply(.ok(agent))
            case .play:
                try await conversation.send(event: .dtmf(digit: "5"))
                try await conversation.reply(.ok("0"))
            case .bridge:
                try await conversation.reply(.ok("0"))
                try await Task.sleep(for: .milliseconds(50))
                try await conversation.send(event: .hangup(leg: .customer, cause: "remote"))
            default:
                try await conversation.reply(.ok("0"))
            }
        }
        return seen
    }

    /// True when no live (non-zombie) process has `pid` or belongs to process group `pgid`.
    static func isGone(pid: Int32) -> Bool {
        processState(pid).map { $0.state == "Z" } ?? true
    }

    static func liveMembers(ofGroup pgid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let state = processState(pid) else { return false }
            return state.pgid == pgid && state.state != "Z"
        }
    }

    /// State letter and process group from /proc/<pid>/stat.
    static func processState(_ pid: Int32) -> (state: String, pgid: Int32)? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 3, let pgid = Int32(fields[2]) else { return nil }
        return (String(fields[0]), pgid)
    }

    /// Polls `condition` every 20 ms for at most `timeout`.
    static func eventually(within timeout: Duration = .seconds(5), _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await condition()
    }

    /// All lines of a process until its stdout closes (bounded by a timeout).
    static func allLines(of process: HandlerProcess, within timeout: Duration = .seconds(10)) async -> [String] {
        await withTaskGroup(of: [String]?.self) { group in
            group.addTask {
                var lines: [String] = []
                for await output in process.lines {
                    if case .line(let line) = output { lines.append(line) }
                }
                return lines
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? []
        }
    }
}

/// The click-to-call flow every sample handler follows when both legs answer.
let clickToCallCommands: [HandlerCommand] = [
    .dial(.customer, timeoutMilliseconds: 30_000),
    .play(prompt: "greeting"),
    .dial(.agent, timeoutMilliseconds: 30_000),
    .bridge,
    .hangup(cause: nil),
]
