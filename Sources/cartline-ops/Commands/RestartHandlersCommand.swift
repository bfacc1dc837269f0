import ArgumentParser
import NIOHTTP1

struct RestartHandlersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart-handlers",
        abstract: "Restart the warm (pre-started) call handlers, e.g. after installing a new handler."
    )

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await connection.run { client throws(OpsFailure) in
            let data = try await client.send(.POST, "/ops/v1/handlers/restart")
            if connection.json { return Output.line(data) }
            let reply = try OpsReplyDecoder.decode(RestartReply.self, from: data)
            Output.line("restarted \(reply.restarted) warm handler\(reply.restarted == 1 ? "" : "s")")
        }
    }
}
