import CallHandlers
import Foundation
import Logging
import Media
import NIOCore
import SIP
import Synchronization

/// What every channel of a node shares: the SIP user agent, the media engine, the prompts
/// and the way handlers are started.
final class ChannelResources: Sendable {
    let configuration: TelephonyConfiguration
    let userAgent: SIPUserAgent
    let media: MediaEngine
    let prompts: PromptLibrary
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    /// Handlers started ahead of calls, when configured; replaced by `restartWarmHandlers`.
    private let warm = Mutex<WarmPool?>(nil)

    init(configuration: TelephonyConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        var sip = SIPUserAgentConfiguration()
        sip.bindHost = configuration.sipBindHost
        sip.bindPort = configuration.sipBindPort
        sip.maxLiveLegs = max(16, configuration.maxChannels * 2 + 16)
        self.userAgent = SIPUserAgent(configuration: sip, eventLoopGroup: eventLoopGroup, logger: logger)
        var mediaConfiguration = MediaEngineConfiguration()
        mediaConfiguration.bindHost = configuration.mediaBindHost
        mediaConfiguration.inactivityTimeout = configuration.mediaInactivityTimeout
        mediaConfiguration.maxLegs = max(16, configuration.maxChannels * 2 + 16)
        self.media = MediaEngine(configuration: mediaConfiguration, eventLoopGroup: eventLoopGroup, logger: logger)
        self.prompts = PromptLibrary(directory: configuration.promptsDirectory)
    }

    /// Starts the call's handler and sends it its header: a warm one when the warm pool has
    /// one ready (or is not failed), else a new process (a spawn failure gives a conversation
    /// without a process that says why).
    func startHandler(header: HandlerHeader) async -> HandlerConversation {
        if let pool = warm.withLock({ $0 }) {
            do {
                let process = try await pool.take()
                return await HandlerConversation.begin(with: process, header: header, limits: configuration.handlerLimits, logger: logger)
            } catch {
                logger.warning("no warm handler; starting one for the call", metadata: ["error": "\(error)"])
            }
        }
        return await HandlerConversation.start(spec: configuration.handler, header: header, limits: configuration.handlerLimits,
                                               eventLoopGroup: eventLoopGroup, logger: logger)
    }

    /// Starts (or restarts) the warm pool when one is configured; returns its size.
    @discardableResult
    func startWarmHandlers() async -> Int {
        guard configuration.warmHandlers > 0 else { return 0 }
        let size = min(configuration.warmHandlers, WarmPoolConfiguration.maxSize)
        let fresh = WarmPool(configuration: WarmPoolConfiguration(spec: configuration.handler, size: size, limits: configuration.handlerLimits),
                             eventLoopGroup: eventLoopGroup)
        let old = warm.withLock { current -> WarmPool? in
            defer { current = fresh }
            return current
        }
        await old?.shutdown()
        await fresh.start()
        return size
    }

    func stopWarmHandlers() async {
        let old = warm.withLock { current -> WarmPool? in
            defer { current = nil }
            return current
        }
        await old?.shutdown()
    }

    func warmStatus() async -> WarmHandlersStatus? {
        guard let pool = warm.withLock({ $0 }) else { return nil }
        let status = await pool.status()
        let failedUntil = status.failedUntil.map { Date().addingTimeInterval(Double(($0 - .now).components.seconds)) }
        return WarmHandlersStatus(target: configuration.warmHandlers, ready: status.ready, restarts: status.restarts, failedUntil: failedUntil)
    }

    /// The INVITE for one leg: PSTN customers through the trunk with the number as a
    /// telephone-subscriber user part; VoIP customers and phone agents at their SIP URI;
    /// browser customers and console agents as their gateway user (`gatewayCall`).
    func outgoingCall(for target: DialTarget, plan: CallPlan, ringTimeout: Duration) throws(TelephonyError) -> OutgoingCall {
        let placeholder = MediaAddress(host: configuration.mediaBindHost, port: 0)
        if plan.legInBrowser(target) {
            let user = target == .agent ? plan.agentURI : plan.destination
            return try gatewayCall(user: user, ringTimeout: ringTimeout)
        }
        switch (target, plan.mode) {
        case (.agent, _), (.customer, .voip), (.customer, .browser):
            let uri = target == .agent ? plan.agentURI : plan.destination
            guard uri.hasPrefix("sip:") else { throw .unusableDestination("not a SIP URI") }
            return OutgoingCall(requestURI: uri, outboundProxy: nil, fromUser: configuration.callerUser,
                                fromDisplayName: configuration.callerDisplayName, credentials: nil,
                                localMedia: placeholder, ringTimeout: ringTimeout)
        case (.customer, .pstn):
            guard let trunk = configuration.trunk else { throw .noTrunk }
            let number = plan.destination
            guard number.first == "+", number.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }), (8...16).contains(number.count) else {
                throw .unusableDestination("not an E.164 number")
            }
            let credentials = trunk.username.map { DigestCredentials(username: $0, password: trunk.password ?? "") }
            return OutgoingCall(requestURI: "sip:\(number)@\(trunk.domain);user=phone",
                                outboundProxy: MediaAddress(host: trunk.host, port: trunk.port),
                                fromUser: configuration.callerUser, fromDisplayName: configuration.callerDisplayName,
                                credentials: credentials, localMedia: placeholder, ringTimeout: ringTimeout)
        }
    }

    /// A page's leg (the shopper's in browser mode, or the agent console's): its call user at
    /// the gateway registrar, which hands the INVITE to the page's Janus handle and adds the
    /// proof the page checks.
    private func gatewayCall(user: String, ringTimeout: Duration) throws(TelephonyError) -> OutgoingCall {
        guard let gateway = configuration.gateway else { throw .noGateway }
        guard Self.isGatewayUser(user) else { throw .unusableDestination("not a gateway user") }
        return OutgoingCall(requestURI: "sip:\(user)@\(gateway.host):\(gateway.port)",
                            outboundProxy: MediaAddress(host: gateway.host, port: gateway.port),
                            fromUser: configuration.callerUser, fromDisplayName: configuration.callerDisplayName,
                            credentials: DigestCredentials(username: gateway.username, password: gateway.password),
                            localMedia: MediaAddress(host: configuration.mediaBindHost, port: 0), ringTimeout: ringTimeout)
    }

    /// The registrar's call-user syntax, `^[a-z0-9]{16,64}\.[0-9]{10}$`.
    static func isGatewayUser(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, (16...64).contains(parts[0].count), parts[1].count == 10 else { return false }
        return parts[0].allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) } && parts[1].allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Opens the leg's RTP stream, offers it in the INVITE, and returns the leg.
    func dial(_ call: OutgoingCall, role: DialTarget,
              notify: @escaping @Sendable (DialTarget, CallLeg.Notice) async -> Void) async throws -> CallLeg {
        let rtp = try await media.openLeg()
        var call = call
        call.localMedia = MediaAddress(host: configuration.mediaBindHost, port: rtp.localPort)
        do {
            let sip = try await userAgent.invite(call)
            return CallLeg(role: role, sip: sip, rtp: rtp, notify: notify)
        } catch {
            await rtp.close()
            throw error
        }
    }
}

/// Why a call could not be placed as planned.
public enum TelephonyError: Error, Equatable, Sendable, CustomStringConvertible {
    case noTrunk
    case noGateway
    case unusableDestination(String)
    case notStarted

    public var description: String {
        switch self {
        case .noTrunk: "PSTN calls need a SIP trunk (CARTLINE_TRUNK), and none is configured"
        case .noGateway: "browser calls need the gateway registrar (CARTLINE_GATEWAY_REGISTRAR), and none is configured"
        case .unusableDestination(let why): "the destination is unusable: \(why)"
        case .notStarted: "the channel pool has not started"
        }
    }
}
