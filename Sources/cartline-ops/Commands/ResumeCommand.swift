import ArgumentParser
import NIOHTTP1

struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Let a draining node take new calls again.")

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await connection.run { client throws(OpsFailure) in
            let data = try await client.send(.POST, "/ops/v1/resume")
            if connection.json { return Output.line(data) }
            let status = try OpsReplyDecoder.decode(PoolStatusReply.self, from: data)
            Output.line("node \(Display.printable(status.node)): \(Display.printable(status.state)), \(status.free) channels free")
        }
    }
}
