import ArgumentParser
import Foundation

struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Follow the node's live events until --count events, --seconds, or Ctrl-C."
    )

    @Option(help: "Stop after this many events (1…1000000).")
    var count: Int?

    @Option(help: "Stop after this many seconds (1…86400).")
    var seconds: Int?

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if let count, !(1...1_000_000).contains(count) { throw ValidationError("--count must be 1…1000000, not \(count)") }
        if let seconds, !(1...86_400).contains(seconds) { throw ValidationError("--seconds must be 1…86400, not \(seconds)") }
    }

    func run() async throws {
        let limit = count
        let json = connection.json
        let duration = seconds.map { Duration.seconds($0) }
        try await connection.run { client throws(OpsFailure) in
            // The stream and the --seconds timer race; whichever ends first stops the other.
            let outcome: Result<Bool, OpsFailure> = await withTaskGroup(of: Result<Bool, OpsFailure>.self) { group in
                group.addTask {
                    do throws(OpsFailure) {
                        var seen = 0
                        try await client.events("/ops/v1/events") { _, data in
                            if json {
                                Output.line(data)
                            } else if let event = try? OpsReplyDecoder.decode(OpsEventReply.self, from: Data(data.utf8)) {
                                Output.line(Display.event(event))
                            } else {
                                Output.line(data)
                            }
                            seen += 1
                            return limit.map { seen < $0 } ?? true
                        }
                        return .success(limit.map { seen >= $0 } ?? false)
                    } catch {
                        return .failure(error)
                    }
                }
                if let duration {
                    group.addTask {
                        try? await Task.sleep(for: duration)
                        return .success(true)
                    }
                }
                let first = await group.next() ?? .success(true)
                group.cancelAll()
                return first
            }
            let finished = try outcome.get()
            if !finished { Output.error("the node ended the event stream") }
        }
    }
}
