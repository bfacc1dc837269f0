import CallHandlers
import Foundation

/// Everything a node's channel pool needs to place calls. Durations carry their units.
public struct TelephonyConfiguration: Sendable {
    /// The node's name in the log (`telephony-<name>`) and in `ChannelAssigned`.
    public var nodeName: String
    public var maxChannels: Int
    /// The call-handler program run for each call.
    public var handler: HandlerSpec
    /// Handlers started ahead of calls (0: start one per call).
    public var warmHandlers: Int = 0
    public var handlerLimits = HandlerLimits()
    /// Folder of `<name>.wav` prompts (8 kHz μ-law).
    public var promptsDirectory: URL
    /// The carrier's SIP proxy in front of the telephone network; nil: PSTN calls fail.
    public var trunk: TrunkConfiguration?
    /// The browser gateway's registrar; nil: browser calls fail.
    public var gateway: GatewayRegistrarConfiguration?
    /// A browser leg answered 480 (the page has not registered yet) is tried again after
    /// this pause, until its ring timeout is spent.
    public var browserRetryPause: Duration = .milliseconds(500)
    public var sipBindHost = "127.0.0.1"
    public var sipBindPort = 0
    public var mediaBindHost = "127.0.0.1"
    /// Shown as the caller (From) of every leg.
    public var callerUser = "cartline"
    public var callerDisplayName = "Cartline"
    /// A far end whose RTP stops this long (no BYE) is taken as gone.
    public var mediaInactivityTimeout: Duration = .seconds(15)
    /// No call lasts longer than this, whatever its handler does.
    public var maxCallDuration: Duration = .seconds(2 * 60 * 60)

    public init(nodeName: String, maxChannels: Int, handler: HandlerSpec, promptsDirectory: URL) {
        self.nodeName = nodeName
        self.maxChannels = maxChannels
        self.handler = handler
        self.promptsDirectory = promptsDirectory
    }
}

/// A SIP trunk: the carrier's proxy that reaches the public telephone network (claim 27's
/// "distinct server"). PSTN calls go to it with the E.164 number as the Request-URI's user.
public struct TrunkConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// The domain of the Request-URI (`sip:+4930…@<domain>;user=phone`).
    public var domain: String
    public var username: String?
    public var password: String?

    public init(host: String, port: Int, domain: String, username: String?, password: String?) {
        self.host = host; self.port = port; self.domain = domain; self.username = username; self.password = password
    }
}

/// The browser gateway's registrar (Tools/janus/registrar.cfg): the node INVITEs a call's
/// page as `sip:<user>@<host>:<port>` through it, answering its 407 with these credentials.
public struct GatewayRegistrarConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String

    public init(host: String, port: Int, username: String, password: String) {
        self.host = host; self.port = port; self.username = username; self.password = password
    }
}
