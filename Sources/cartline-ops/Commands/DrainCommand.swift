import ArgumentParser
import NIOHTTP1

struct DrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain",
        abstract: "Let the node finish its current calls and take no new ones (undo with resume)."
    )

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await connection.run { client throws(OpsFailure) in
            let data = try await client.send(.POST, "/ops/v1/drain")
            if connection.json { return Output.line(data) }
            let status = try OpsReplyDecoder.decode(PoolStatusReply.self, from: data)
            Output.line("node \(Display.printable(status.node)): \(Display.printable(status.state)), \(status.busy) calls still running")
        }
    }
}
