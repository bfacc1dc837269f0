import ArgumentParser
import NIOHTTP1

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the channel pool: a summary, one row per channel, the last handler exits."
    )

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await connection.run { client throws(OpsFailure) in
            let data = try await client.send(.GET, "/ops/v1/status")
            if connection.json { return Output.line(data) }
            Output.line(Display.status(try OpsReplyDecoder.decode(PoolStatusReply.self, from: data)))
        }
    }
}
