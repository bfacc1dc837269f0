import CallHandlers
import Foundation
import Telephony

/// The telephony role's settings from the environment, each checked with a message that
/// names the variable.
public enum TelephonyNodeSettings {
    /// The settings `cartline serve --help` lists, with their defaults.
    public static let help = """
          CARTLINE_NODE_NAME      this telephony node's name in the log (default node-<hostname>)
          CARTLINE_CHANNELS       voice channels of this node (default 8)
          CARTLINE_CALL_HANDLER   call-handler program run per call, with arguments
                                  (default: cartline-call-handler beside this binary)
          CARTLINE_WARM_HANDLERS  handler processes started ahead of calls (default 0, at most 64)
          CARTLINE_PROMPTS_DIR    folder of <name>.wav prompts (default ./Prompts)
          CARTLINE_SIP_HOST       address of the SIP user agent (default 127.0.0.1)
          CARTLINE_SIP_PORT       its UDP port (default 0: any free port)
          CARTLINE_MEDIA_HOST     address of RTP (default 127.0.0.1)
          CARTLINE_TRUNK          host:port of the carrier's SIP proxy for PSTN calls (none: PSTN calls fail)
          CARTLINE_TRUNK_DOMAIN   domain of PSTN Request-URIs (default the trunk's host)
          CARTLINE_TRUNK_USER, CARTLINE_TRUNK_PASSWORD  digest credentials of the trunk
          CARTLINE_GATEWAY_REGISTRAR  host:port of the browser gateway's registrar (none: browser calls fail)
          CARTLINE_GATEWAY_NODE_USER, CARTLINE_GATEWAY_NODE_PASSWORD  this node's digest credentials there
          CARTLINE_RTP_TIMEOUT_SECONDS  a far end silent this long is gone (default 15)
          CARTLINE_OPS_HOST, CARTLINE_OPS_PORT  the ops API's listener (default 127.0.0.1:8081; 0: any free port)
          CARTLINE_OPS_TOKEN      bearer token of the ops API (16+ characters; required with the telephony role)
        """

    public static func configuration(from environment: [String: String], executableDirectory: URL,
                                     workingDirectory: URL) throws(TelephonyNodeError) -> TelephonyConfiguration {
        let name = environment["CARTLINE_NODE_NAME"] ?? defaultNodeName()
        guard (1...40).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw .invalidNodeName(name)
        }
        let channels = try integer("CARTLINE_CHANNELS", in: environment, default: 8, range: 0...2_000)
        let handler = try handlerSpec(environment["CARTLINE_CALL_HANDLER"], executableDirectory: executableDirectory)
        let prompts = environment["CARTLINE_PROMPTS_DIR"].map { URL(fileURLWithPath: $0) }
            ?? workingDirectory.appendingPathComponent("Prompts")
        var configuration = TelephonyConfiguration(nodeName: name, maxChannels: channels, handler: handler, promptsDirectory: prompts)
        configuration.warmHandlers = try integer("CARTLINE_WARM_HANDLERS", in: environment, default: 0, range: 0...64)
        configuration.sipBindHost = environment["CARTLINE_SIP_HOST"] ?? "127.0.0.1"
        configuration.sipBindPort = try integer("CARTLINE_SIP_PORT", in: environment, default: 0, range: 0...65_535)
        configuration.mediaBindHost = environment["CARTLINE_MEDIA_HOST"] ?? configuration.sipBindHost
        configuration.mediaInactivityTimeout = .seconds(try integer("CARTLINE_RTP_TIMEOUT_SECONDS", in: environment, default: 15, range: 1...3_600))
        if let trunk = environment["CARTLINE_TRUNK"], !trunk.isEmpty {
            let parts = trunk.split(separator: ":")
            guard parts.count == 2, let port = Int(parts[1]), (1...65_535).contains(port), !parts[0].isEmpty else {
                throw .invalidSetting("CARTLINE_TRUNK must be host:port, not '\(trunk)'")
            }
            configuration.trunk = TrunkConfiguration(host: String(parts[0]), port: port,
                                                     domain: environment["CARTLINE_TRUNK_DOMAIN"] ?? String(parts[0]),
                                                     username: environment["CARTLINE_TRUNK_USER"], password: environment["CARTLINE_TRUNK_PASSWORD"])
        }
        configuration.gateway = try gateway(from: environment)
        return configuration
    }

    /// The browser gateway's registrar, as `Tools/janus/run start` prints it; the node's
    /// user and password are required with it.
    static func gateway(from environment: [String: String]) throws(TelephonyNodeError) -> GatewayRegistrarConfiguration? {
        guard let registrar = environment["CARTLINE_GATEWAY_REGISTRAR"], !registrar.isEmpty else { return nil }
        let parts = registrar.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let port = Int(parts[1]), (1...65_535).contains(port), !parts[0].isEmpty else {
            throw .invalidSetting("CARTLINE_GATEWAY_REGISTRAR must be host:port, not '\(registrar.prefix(80))'")
        }
        guard let user = environment["CARTLINE_GATEWAY_NODE_USER"], !user.isEmpty,
              let password = environment["CARTLINE_GATEWAY_NODE_PASSWORD"], !password.isEmpty else {
            throw .invalidSetting("CARTLINE_GATEWAY_REGISTRAR needs CARTLINE_GATEWAY_NODE_USER and CARTLINE_GATEWAY_NODE_PASSWORD")
        }
        return GatewayRegistrarConfiguration(host: String(parts[0]), port: port, username: user, password: password)
    }

    /// `CARTLINE_CALL_HANDLER` split on spaces (program, then arguments); the default
    /// handler sits beside the `cartline` binary.
    static func handlerSpec(_ text: String?, executableDirectory: URL) throws(TelephonyNodeError) -> HandlerSpec {
        let words = (text ?? "").split(separator: " ").map(String.init)
        let program = words.first ?? executableDirectory.appendingPathComponent("cartline-call-handler").path
        guard FileManager.default.isExecutableFile(atPath: program) else {
            throw .invalidSetting("CARTLINE_CALL_HANDLER: '\(program)' is not an executable file")
        }
        return HandlerSpec(executable: program, arguments: Array(words.dropFirst()), environment: [:], workingDirectory: nil)
    }

    static func integer(_ name: String, in environment: [String: String], default value: Int, range: ClosedRange<Int>) throws(TelephonyNodeError) -> Int {
        guard let text = environment[name] else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw .invalidSetting("\(name) must be a whole number in \(range.lowerBound)…\(range.upperBound), not '\(text)'")
        }
        return number
    }

    static func defaultNodeName() -> String {
        let host = ProcessInfo.processInfo.hostName.prefix { $0 != "." }
        let cleaned = String(host.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") ? $0 : "-" }.prefix(34))
        return "node-" + (cleaned.isEmpty ? "local" : cleaned)
    }
}
