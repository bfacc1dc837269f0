import ArgumentParser
import Foundation
import NIOHTTP1

struct HangUpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hangup",
        abstract: "Hang up a live call on the node (exit 4 when no such call is live there)."
    )

    @Argument(help: "The call's id (a UUID).")
    var callId: String

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard UUID(uuidString: callId) != nil else { throw ValidationError("'\(callId)' is not a call id (a UUID)") }
    }

    func run() async throws {
        let path = "/ops/v1/calls/\(callId.lowercased())/hangup"
        try await connection.run { client throws(OpsFailure) in
            let data = try await client.send(.POST, path)
            if connection.json { return Output.line(data) }
            let reply = try OpsReplyDecoder.decode(HangUpReply.self, from: data)
            Output.line("hanging up call \(reply.callId.uuidString.lowercased())")
        }
    }
}
