import ArgumentParser
import NIOHTTP1

struct CallsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "calls", abstract: "List the calls live on the node, one row per call.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await connection.run { client throws(OpsFailure) in
            let data = try await client.send(.GET, "/ops/v1/calls")
            if connection.json { return Output.line(data) }
            Output.line(Display.calls(try OpsReplyDecoder.decode(CallsReply.self, from: data)))
        }
    }
}
