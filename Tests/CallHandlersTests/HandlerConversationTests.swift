import CallHandlers
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Real handler processes, driven by the test acting as the channel.
@Suite("Conversations with real handlers")
struct HandlerConversationTests {
    private func runClickToCall(_ spec: HandlerSpec, customer: String = "answered", agent: String = "answered") async throws
        -> (commands: [HandlerCommand], end: HandlerConversationEnd, pid: Int32?)
    {
        let conversation = await HandlerConversation.start(spec: spec, header: HandlerTestSupport.header(),
                                                           limits: HandlerTestSupport.limits(), eventLoopGroup: HandlerTestSupport.eventLoopGroup)
        let commands = try await HandlerTestSupport.actAsChannel(conversation, customer: customer, agent: agent)
        let end = await conversation.finish()
        let process = try #require(conversation.process, "the handler never started")
        #expect(HandlerTestSupport.isGone(pid: process.pid))
        #expect(conversation.badLines == 0, "stderr: \(process.stderrTail)")
        return (commands, end, conversation.process?.pid)
    }

    @Test func theSwiftHandlerCompletesAClickToCall() async throws {
        let spec = HandlerSpec(executable: try HandlerTestSupport.builtBinary("cartline-call-handler"))
        let result = try await runClickToCall(spec)
        #expect(result.commands == clickToCallCommands)
        #expect(result.end == HandlerConversationEnd(reason: .exited, exit: .exited(0)))
    }

    @Test func theSwiftHandlerHangsUpWhenTheCustomerIsBusy() async throws {
        let spec = HandlerSpec(executable: try HandlerTestSupport.builtBinary("cartline-call-handler"))
        let result = try await runClickToCall(spec, customer: "busy")
        #expect(result.commands == [.dial(.customer, timeoutMilliseconds: 30_000), .hangup(cause: "customer-busy")])
        #expect(result.end.exit == .exited(0))
    }

    @Test func theSwiftHandlerPlaysNoAgentWhenNoAgentAnswers() async throws {
        let spec = HandlerSpec(executable: try HandlerTestSupport.builtBinary("cartline-call-handler"))
        let result = try await runClickToCall(spec, agent: "no-answer")
        #expect(result.commands == [.dial(.customer, timeoutMilliseconds: 30_000), .play(prompt: "greeting"),
                                    .dial(.agent, timeoutMilliseconds: 30_000), .play(prompt: "no-agent"), .hangup(cause: "no-agent")])
        #expect(result.end.exit == .exited(0))
    }

    @Test func theShellSampleCompletesAClickToCall() async throws {
        let result = try await runClickToCall(HandlerSpec(executable: HandlerTestSupport.tool("sample-handler.sh")))
        #expect(result.commands == clickToCallCommands)
        #expect(result.end == HandlerConversationEnd(reason: .exited, exit: .exited(0)))
    }

    @Test func thePythonSampleCompletesAClickToCall() async throws {
        let result = try await runClickToCall(HandlerSpec(executable: HandlerTestSupport.tool("sample_handler.py")))
        #expect(result.commands == clickToCallCommands)
        #expect(result.end == HandlerConversationEnd(reason: .exited, exit: .exited(0)))
    }

    @Test func theCPluginCompletesAClickToCallThroughThePluginHost() async throws {
        let plugin = try HandlerTestSupport.buildSamplePlugin()
        let spec = HandlerSpec(executable: try HandlerTestSupport.builtBinary("cartline-plugin-host"), arguments: [plugin])
        let result = try await runClickToCall(spec)
        #expect(result.commands == clickToCallCommands)
        #expect(result.end == HandlerConversationEnd(reason: .exited, exit: .exited(0)))
        let busy = try await runClickToCall(spec, customer: "busy")
        #expect(busy.commands == [.dial(.customer, timeoutMilliseconds: 30_000), .hangup(cause: "customer-busy")])
    }

    @Test func thePluginHostExitsWith2WhenTheLibraryOrSymbolIsMissing() async throws {
        let host = try HandlerTestSupport.builtBinary("cartline-plugin-host")
        for arguments in [["/nonexistent/plugin.so"], ["/lib/x86_64-linux-gnu/libc.so.6"], []] {
            let process = try await HandlerProcess.spawn(HandlerSpec(executable: host, arguments: arguments),
                                                         eventLoopGroup: HandlerTestSupport.eventLoopGroup)
            #expect(await process.waitForExit() == .exited(2), "\(arguments)")
            _ = await HandlerTestSupport.allLines(of: process, within: .seconds(2))
            #expect(process.stderrTail.contains("cartline-plugin-host:"), "\(process.stderrTail)")
            await process.terminate(grace: .milliseconds(100))
        }
    }

    @Test func aFloodOfGarbageEndsTheCallWithAProtocolError() async throws {
        let conversation = await HandlerConversation.start(spec: HandlerSpec(executable: HandlerTestSupport.fixture("flood.sh")),
                                                           header: HandlerTestSupport.header(), limits: HandlerTestSupport.limits(),
                                                           eventLoopGroup: HandlerTestSupport.eventLoopGroup)
        var commands = 0
        for await _ in conversation.commands { commands += 1 }
        let end = await conversation.finish()
        #expect(commands == 0)
        #expect(end.reason == .protocolViolation)
        #expect(end.reason.rawValue == "handler-protocol")
        #expect(end.exit == .signalled(SIGHUP))
        #expect(conversation.badLines == 101)
        let pid = try #require(conversation.process?.pid)
        #expect(HandlerTestSupport.isGone(pid: pid))
    }

    @Test func commandsBeyondTheRateLimitGet520AndCountAsBadLines() async throws {
        var limits = HandlerTestSupport.limits()
        limits.maxCommandsPerSecond = 20
        let script = "while IFS= read -r l; do [ -z \"$l\" ] && break; done; i=0; while [ $i -lt 300 ]; do echo ANSWER; i=$((i+1)); done; exec sleep 30"
        let conversation = await HandlerConversation.start(spec: HandlerSpec(executable: "/bin/sh", arguments: ["-c", script]),
                                                           header: HandlerTestSupport.header(), limits: limits,
                                                           eventLoopGroup: HandlerTestSupport.eventLoopGroup)
        var commands = 0
        for await _ in conversation.commands {
            commands += 1
            try await conversation.reply(.ok("0"))
        }
        let end = await conversation.finish()
        #expect(commands == 20)
        #expect(end.reason == .protocolViolation)
    }

    @Test func overlongLinesAreAnswered520AndTheConversationGoesOn() async throws {
        // The handler reports on stderr the replies it got, then ends after a valid command.
        let script = """
        while IFS= read -r l; do [ -z "$l" ] && break; done
        head -c 3000 /dev/zero | tr '\\0' a; echo
        IFS= read -r r; echo "got:$r" >&2
        echo 'NOPE'; IFS= read -r r; echo "got:$r" >&2
        echo 'DIAL nobody 5'; IFS= read -r r; echo "got:$r" >&2
        echo 'HANGUP'; IFS= read -r r; echo "got:$r" >&2
        """
        let conversation = await HandlerConversation.start(spec: HandlerSpec(executable: "/bin/sh", arguments: ["-c", script]),
                                                           header: HandlerTestSupport.header(), limits: HandlerTestSupport.limits(),
                                                           eventLoopGroup: HandlerTestSupport.eventLoopGroup)
        var commands: [HandlerCommand] = []
        for await command in conversation.commands {
            commands.append(command)
            try await conversation.reply(.ok("0"))
        }
        let end = await conversation.finish()
        #expect(commands == [.hangup(cause: nil)])
        #expect(end == HandlerConversationEnd(reason: .exited, exit: .exited(0)))
        #expect(conversation.badLines == 3)
        let stderr = try #require(conversation.process?.stderrTail)
        #expect(stderr == """
        got:520 Invalid usage: line longer than 1024 bytes
        got:510 Invalid or unknown command
        got:520 Invalid usage: DIAL target must be customer or agent
        got:200 result=0

        """)
    }

    @Test func aSilentHandlerEndsAsIdleAndIsTerminated() async throws {
        var limits = HandlerTestSupport.limits()
        limits.idleTimeout = .milliseconds(300)
        limits.terminateGrace = .milliseconds(200)
        let conversation = await HandlerConversation.start(spec: HandlerSpec(executable: "/bin/sh", arguments: ["-c", "exec sleep 30"]),
                                                           header: HandlerTestSupport.header(), limits: limits,
                                                           eventLoopGroup: HandlerTestSupport.eventLoopGroup)
        var commands = 0
        for await _ in conversation.commands { commands += 1 }
        let end = await conversation.finish()
        #expect(commands == 0)
        #expect(end.reason == .idle)
        #expect(end.exit == .signalled(SIGHUP))
    }

    @Test func aCrashingHandlerEndsTheConversationWithItsExitStatus() async throws {
        let conversation = await HandlerConversation.start(spec: HandlerSpec(executable: HandlerTestSupport.fixture("crash.sh")),
                                                           header: HandlerTestSupport.header(), limits: HandlerTestSupport.limits(),
                                                           eventLoopGroup: HandlerTestSupport.eventLoopGroup)
        var commands = 0
        for await _ in conversation.commands { commands += 1 }
        let end = await conversation.finish()
        #expect(commands == 0)
        #expect(end == HandlerConversationEnd(reason: .exited, exit: .exited(3)))
        let pid = try #require(conversation.process?.pid)
        #expect(HandlerTestSupport.processState(pid) == nil)
    }

    @Test func aHandlerThatCannotStartEndsAsSpawnFailed() async {
        let conversation = await HandlerConversation.start(spec: HandlerSpec(executable: "/nonexistent/handler"),
                                                           header: HandlerTestSupport.header(), eventLoopGroup: HandlerTestSupport.eventLoopGroup)
        var commands = 0
        for await _ in conversation.commands { commands += 1 }
        let end = await conversation.finish()
        #expect(commands == 0)
        #expect(conversation.process == nil)
        #expect(end.reason == .spawnFailed)
        #expect(end.detail?.contains("No such file or directory") == true)
    }

    @Test func theChannelCanStopARunningHandler() async throws {
        let conversation = await HandlerConversation.start(spec: HandlerSpec(executable: HandlerTestSupport.tool("sample_handler.py")),
                                                           header: HandlerTestSupport.header(), limits: HandlerTestSupport.limits(),
                                                           eventLoopGroup: HandlerTestSupport.eventLoopGroup)
        var iterator = conversation.commands.makeAsyncIterator()
        #expect(await iterator.next() == .dial(.customer, timeoutMilliseconds: 30_000))
        // The call is cancelled while the handler waits for its reply: EOF ends it quietly.
        let end = await conversation.finish()
        #expect(end.exit == .exited(0))
    }
}
