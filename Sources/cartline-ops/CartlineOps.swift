import ArgumentParser
import Foundation

/// `cartline-ops`: looks at and steers a running telephony node through its ops API.
@main
struct CartlineOps: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cartline-ops",
        abstract: "Look at and steer a running Cartline telephony node through its ops API.",
        discussion: """
            Options of every subcommand (after its name):
              --url URL        the node's ops API
                               (default: $CARTLINE_OPS_URL or http://127.0.0.1:8081)
              --token TOKEN    its bearer token (default: $CARTLINE_OPS_TOKEN)
              --json           the API's JSON as it is (tail: one event a line)
              --timeout-seconds N   give up on a request after N s (default 5);
                               tail runs until --count, --seconds or Ctrl-C

            Exit status:
              0  done
              1  failed otherwise (the node answered an error or nonsense)
              2  bad usage (unknown option, missing argument, no token,
                 a call id that is not a UUID)
              3  unauthorized: the node refused the token (HTTP 401)
              4  not found (HTTP 404), e.g. no such live call on the node
              5  node unreachable: connection refused or no answer in time
            """,
        subcommands: [StatusCommand.self, CallsCommand.self, DrainCommand.self, ResumeCommand.self,
                      HangUpCommand.self, RestartHandlersCommand.self, TailCommand.self]
    )

    /// ArgumentParser's own main, except that bad usage exits 2 (ArgumentParser says 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(OpsFailure.usageExitCode)
            }
            exit(withError: error)
        }
    }
}
