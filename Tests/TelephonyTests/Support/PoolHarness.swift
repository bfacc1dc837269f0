import CallHandlers
import Foundation
import Logging
import NIOPosix
import Telephony
import TelephonyTestSupport

/// A channel pool of a test's own, with the handler and prompts it names, started and
/// shut down around `body`.
enum PoolHarness {
    static var logger: Logger {
        var logger = Logger(label: "telephony-test")
        logger.logLevel = ProcessInfo.processInfo.environment["CARTLINE_TEST_LOG"] == "debug" ? .debug : .warning
        return logger
    }

    /// An executable built beside the test bundle (`cartline-call-handler`, `cartline-plugin-host`).
    static func builtBinary(_ name: String) -> String {
        (try? BuiltProducts.executable(name)) ?? BuiltProducts.projectRoot.appendingPathComponent(".build/debug/\(name)").path
    }

    /// A folder of short prompts (each name → `milliseconds` of μ-law silence), so calls
    /// in tests do not wait through the real greeting.
    static func shortPrompts(milliseconds: Int = 200) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("prompts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["greeting", "connecting", "agent-whisper", "goodbye", "no-agent"] {
            try muLawWAV(samples: milliseconds * 8).write(to: folder.appendingPathComponent("\(name).wav"))
        }
        return folder
    }

    /// A RIFF/WAVE file of μ-law silence (format 7, 8 kHz, mono).
    static func muLawWAV(samples: Int) -> Data {
        var data = Data()
        func le32(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { data.append(contentsOf: $0) } }
        func le16(_ value: Int) { withUnsafeBytes(of: UInt16(value).littleEndian) { data.append(contentsOf: $0) } }
        data.append(contentsOf: Array("RIFF".utf8)); le32(4 + 8 + 18 + 8 + samples)
        data.append(contentsOf: Array("WAVE".utf8))
        data.append(contentsOf: Array("fmt ".utf8)); le32(18); le16(7); le16(1); le32(8000); le32(8000); le16(1); le16(8); le16(0)
        data.append(contentsOf: Array("data".utf8)); le32(samples)
        data.append(Data(repeating: 0xFF, count: samples))
        return data
    }

    static func configuration(handler: HandlerSpec, channels: Int = 4, prompts: URL,
                              trunk: TrunkConfiguration? = nil) -> TelephonyConfiguration {
        var configuration = TelephonyConfiguration(nodeName: "test-node", maxChannels: channels, handler: handler, promptsDirectory: prompts)
        configuration.trunk = trunk
        configuration.mediaInactivityTimeout = .seconds(3)
        var limits = HandlerLimits()
        limits.terminateGrace = .milliseconds(500)
        limits.idleTimeout = .seconds(5)
        configuration.handlerLimits = limits
        return configuration
    }

    static func withPool<T: Sendable>(_ configuration: TelephonyConfiguration, _ body: @Sendable (ChannelPool) async throws -> T) async throws -> T {
        let pool = ChannelPool(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
        _ = try await pool.start()
        do {
            let result = try await body(pool)
            await pool.shutdown()
            return result
        } catch {
            await pool.shutdown()
            throw error
        }
    }

    static func plan(mode: CallPlan.Mode = .voip, destination: String, agentURI: String) -> CallPlan {
        CallPlan(callId: UUID(), mode: mode, destination: destination, agentName: "Dana", agentURI: agentURI,
                 cartId: UUID().uuidString.lowercased(), cartValue: "349.00 EUR", shopperName: "Test Shopper")
    }
}

/// Collects a call's progress in order.
actor ProgressLog {
    private(set) var entries: [CallProgress] = []

    func append(_ progress: CallProgress) { entries.append(progress) }

    var outcome: CallProgress? { entries.last { if case .ended = $0 { true } else if case .failed = $0 { true } else { false } } }

    var ending: CallEnding? { if case .ended(let ending) = outcome { ending } else { nil } }

    var failureReason: String? { if case .failed(let reason, _) = outcome { reason } else { nil } }
}

/// Runs one call on a fresh channel of `pool` to its end and returns its progress.
func placeCall(_ plan: CallPlan, on pool: ChannelPool) async throws -> ProgressLog {
    let log = ProgressLog()
    guard let channel = await pool.reserve(callId: plan.callId) else { throw PoolTestError.noFreeChannel }
    await pool.run(plan, on: channel) { await log.append($0) }
    return log
}

enum PoolTestError: Error { case noFreeChannel }


extension SIPpPeer {
    /// A SIPp phone whose scenario streams `talk.wav` once the call is up. SIPp reads the
    /// file when it loads the scenario, relative to its working folder, so the scenario is
    /// copied with the fixture's absolute path.
    static func talking(scenario: String, extraArguments: [String] = []) async throws -> SIPpPeer {
        let text = try String(contentsOf: Fixtures.sipp(scenario), encoding: .utf8)
            .replacingOccurrences(of: "\"talk.wav,", with: "\"\(Fixtures.sipp("talk.wav").path),")
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("talking-\(UUID().uuidString).xml")
        try text.write(to: copy, atomically: true, encoding: .utf8)
        return try await SIPpPeer.start(scenario: .file(copy), extraArguments: extraArguments)
    }
}
