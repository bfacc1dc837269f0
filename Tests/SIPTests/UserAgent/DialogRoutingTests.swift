import Logging
import NIOCore
import NIOPosix
@testable import SIP
import Testing

@Suite("In-dialog request routing")
struct DialogRoutingTests {
    func state(routeSet: [String], remoteTarget: String) throws -> (UserAgentCore, OutboundCallState) {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let core = UserAgentCore(configuration: SIPUserAgentConfiguration(), eventLoop: loop, logger: Logger(label: "test"), liveLegs: LiveLegCounter())
        let call = OutgoingCall(requestURI: "sip:bob@192.0.2.9", fromUser: "cartline", localMedia: MediaAddress(host: "127.0.0.1", port: 4000), ringTimeout: .seconds(1))
        let state = OutboundCallState(
            callID: "c1", leg: SIPLeg(callID: "c1") { _ in }, call: call, requestURI: try SIPURI(parsing: call.requestURI),
            from: try SIPNameAddress(parsing: "<sip:cartline@127.0.0.1>;tag=1"), firstHop: try SocketAddress(ipAddress: "192.0.2.9", port: 5060),
            initialRoutes: []
        )
        state.routeSet = try routeSet.map { try SIPNameAddress(parsing: $0) }
        state.remoteTarget = try SIPURI(parsing: remoteTarget)
        return (core, state)
    }

    @Test func withoutARouteSetRequestsGoStraightToTheRemoteTarget() throws {
        let (core, state) = try state(routeSet: [], remoteTarget: "sip:callee@198.51.100.7:5062")
        let hop = try #require(core.dialogHop(state))
        #expect(hop.requestURI == "sip:callee@198.51.100.7:5062")
        #expect(hop.routes.isEmpty)
        #expect(hop.destination == (try SocketAddress(ipAddress: "198.51.100.7", port: 5062)))
    }

    @Test func aLooseRouterKeepsTheRemoteTargetAsRequestURI() throws {
        let (core, state) = try state(routeSet: ["<sip:203.0.113.1;lr>", "<sip:203.0.113.2;lr>"], remoteTarget: "sip:callee@198.51.100.7")
        let hop = try #require(core.dialogHop(state))
        #expect(hop.requestURI == "sip:callee@198.51.100.7")
        #expect(hop.routes == ["<sip:203.0.113.1;lr>", "<sip:203.0.113.2;lr>"])
        #expect(hop.destination == (try SocketAddress(ipAddress: "203.0.113.1", port: 5060)))
    }

    @Test func aStrictRouterBecomesTheRequestURIAndTheTargetTheLastRoute() throws {
        let (core, state) = try state(routeSet: ["<sip:203.0.113.1:5070>", "<sip:203.0.113.2;lr>"], remoteTarget: "sip:callee@198.51.100.7")
        let hop = try #require(core.dialogHop(state))
        #expect(hop.requestURI == "sip:203.0.113.1:5070")
        #expect(hop.routes == ["<sip:203.0.113.2;lr>", "<sip:callee@198.51.100.7>"])
        #expect(hop.destination == (try SocketAddress(ipAddress: "203.0.113.1", port: 5070)))
    }
}
