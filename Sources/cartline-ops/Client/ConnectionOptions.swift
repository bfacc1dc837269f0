import ArgumentParser
import Foundation
import NIOCore

/// `--url`, `--token`, `--json`, `--timeout-seconds`: shared by every subcommand.
struct ConnectionOptions: ParsableArguments {
    static let defaultURL = "http://127.0.0.1:8081"

    @Option(help: "The node's ops API (default: $CARTLINE_OPS_URL or \(ConnectionOptions.defaultURL)).")
    var url: String?

    @Option(help: "The ops bearer token (default: $CARTLINE_OPS_TOKEN).")
    var token: String?

    @Flag(help: "Print the API's JSON as it is (tail: one event object per line).")
    var json = false

    @Option(help: "Give up on a request after this many seconds (1…300).")
    var timeoutSeconds = 5

    func validate() throws {
        _ = try resolved()
    }

    /// The base URL (no trailing slash) and token, from the options or the environment.
    func resolved() throws -> (url: String, token: String) {
        let environment = ProcessInfo.processInfo.environment
        let text = url ?? environment["CARTLINE_OPS_URL"] ?? Self.defaultURL
        guard let parsed = URLComponents(string: text), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
              let host = parsed.host, !host.isEmpty, parsed.query == nil
        else { throw ValidationError("--url must be http(s)://host[:port], not '\(text)'") }
        guard let token = (token ?? environment["CARTLINE_OPS_TOKEN"]), !token.isEmpty else {
            throw ValidationError("no token: pass --token or set CARTLINE_OPS_TOKEN")
        }
        guard !token.contains(where: { $0.isNewline }) else { throw ValidationError("the token may not contain line breaks") }
        guard (1...300).contains(timeoutSeconds) else { throw ValidationError("--timeout-seconds must be 1…300, not \(timeoutSeconds)") }
        let base = text.hasSuffix("/") ? String(text.dropLast()) : text
        return (base, token)
    }

    /// Runs `body` with a client; a failure is printed and becomes its exit status.
    func run(_ body: (OpsClient) async throws(OpsFailure) -> Void) async throws {
        let (url, token) = try resolved()
        let failure = await OpsClient.with(baseURL: url, token: token, timeout: .seconds(Int64(timeoutSeconds)), body)
        if let failure {
            Output.error(failure.description)
            throw failure.exitCode
        }
    }
}
