import AsyncHTTPClient
import CartlineTestSupport
import Domain
import Engine
import EventLog
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import Synchronization
import Testing
import WebAPI

/// A call's status as the shopper and the agent see it, while the telephony node appends
/// to its stream. The node is played here: the events go to `call-<id>` straight through
/// the event log, each at the stream's next version, as the node writes them.
@Suite("Call status for the shopper and the agent")
struct CallStatusAPITests {
    /// Requests a call the way a shopper does (preferences, an offer, accept); its id.
    static func requestedCall(_ harness: WebHarness, _ shopper: APIClient, preferences: [String: Any]) async throws -> UUID {
        _ = try await shopper.send(.put, "/v1/preferences", json: preferences)
        let (_, offerId) = try await OfferAPITests.offeredCart(harness, shopper)
        let accepted = try await shopper.send(.post, "/v1/offers/\(offerId.uuidString.lowercased())/accept")
        #expect(accepted.status == 200, "\(accepted.text)")
        return try #require(UUID(uuidString: accepted.json["callId"] as? String ?? ""))
    }

    static var phone: [String: Any] { ["mode": "pstn", "phone": "+4930123456", "consent": true] }

    /// Appends `event` to the call's stream at its next version, as the telephony node does.
    static func append(_ harness: WebHarness, _ callId: UUID, _ event: CallEvent) async throws {
        let version = try await harness.log.read(stream: .call(callId)).last?.streamVersion ?? 0
        _ = try await harness.log.append(to: .call(callId), [try event.encodedForLog().newEvent(id: UUID())], expected: .exact(version))
    }

    /// What the node appends from the channel's claim to the agent joining.
    static func connectingEvents(_ callId: UUID) -> [CallEvent] {
        [.channelAssigned(ChannelAssigned(callId: callId, node: "node-a", channel: 3, handlerPid: 4242, at: Date())),
         .ringing(CallRinging(callId: callId, sipStatus: 180, at: Date())),
         .answered(CallAnswered(callId: callId, at: Date())),
         .agentBridged(AgentBridged(callId: callId, agentName: "Dana", at: Date()))]
    }

    static func ended(_ callId: UUID) -> CallEvent {
        .ended(CallEnded(callId: callId, cause: "customer-hangup", sipStatus: nil, answeredMilliseconds: 200_400,
                         billableMilliseconds: 192_300, at: Date()))
    }

    @Test func theCallStatusFollowsEachEventTheTelephonyNodeAppends() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            let callId = try await Self.requestedCall(harness, shopper, preferences: Self.phone)
            let path = "/v1/calls/\(callId.uuidString.lowercased())"

            let requested = try await shopper.send(.get, path)
            #expect(requested.json["status"] as? String == "requested")
            #expect(requested.json["statusText"] as? String == "Dana will call you on your phone in a moment")
            #expect(requested.json["modeText"] as? String == "on your phone")
            #expect(requested.json["destination"] == nil)
            #expect(!requested.text.contains("4930123456"), "the number is personal data: \(requested.text)")

            let expected: [(status: String, words: String)] = [
                ("connecting", "We're calling you now on your phone"),
                ("ringing", "Your phone is ringing"),
                ("answered", "Connected — Dana joins in a moment"),
                ("talking", "Talking with Dana"),
            ]
            for (event, want) in zip(Self.connectingEvents(callId), expected) {
                try await Self.append(harness, callId, event)
                let now = try await shopper.send(.get, path)
                #expect(now.json["status"] as? String == want.status, "\(now.text)")
                #expect(now.json["statusText"] as? String == want.words)
                #expect((now.json["talkingSince"] != nil) == (want.status == "talking"))
                #expect(now.json["durationSeconds"] == nil)
            }

            try await Self.append(harness, callId, Self.ended(callId))
            let ended = try await shopper.send(.get, path)
            #expect(ended.json["status"] as? String == "ended")
            #expect(ended.json["statusText"] as? String == "Call ended after 3 min 12 s")
            #expect(ended.json["durationSeconds"] as? Int == 192)
            #expect(ended.json["talkingSince"] == nil && ended.json["reason"] == nil)
            #expect(!ended.text.contains("4930123456"))

            // Another shopper learns nothing of the call, not even that it exists.
            try await harness.shopper().send(.get, path).expectProblem(404, type: "not-found")
            try await shopper.send(.get, "/v1/calls/\(UUID().uuidString.lowercased())").expectProblem(404)

            // The agent console lists the call with the same status, in the agent's words.
            let agent = try await harness.signedInAgent()
            let listed = try await agent.send(.get, "/v1/agent/calls")
            let call = try #require((listed.json["calls"] as? [[String: Any]])?.first)
            #expect(call["status"] as? String == "ended")
            #expect(call["statusText"] as? String == "Call ended after 3 min 12 s")
            #expect(call["durationSeconds"] as? Int == 192)
            #expect(call["destination"] == nil && !listed.text.contains("4930123456"))
        }
    }

    @Test func aFailedCallSaysWhyInWordsAndNamesTheReason() async throws {
        try await WebHarness.run { harness in
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            let callId = try await Self.requestedCall(harness, shopper, preferences: ["mode": "voip", "sipUri": "sip:ann@example.net", "consent": true])
            let path = "/v1/calls/\(callId.uuidString.lowercased())"
            #expect(try await shopper.send(.get, path).json["statusText"] as? String == "Dana will call you on your SIP phone in a moment")

            try await Self.append(harness, callId, .channelAssigned(ChannelAssigned(callId: callId, node: "node-a", channel: 1, handlerPid: nil, at: Date())))
            try await Self.append(harness, callId, .ringing(CallRinging(callId: callId, sipStatus: 180, at: Date())))
            #expect(try await shopper.send(.get, path).json["statusText"] as? String == "Your SIP phone is ringing")
            try await Self.append(harness, callId, .failed(CallFailed(callId: callId, reason: "no-answer", sipStatus: 480, at: Date())))

            let failed = try await shopper.send(.get, path)
            #expect(failed.json["status"] as? String == "failed")
            #expect(failed.json["reason"] as? String == "no-answer")
            #expect(failed.json["statusText"] as? String == "We couldn't reach you: nobody answered. Try again?")
            #expect(failed.json["durationSeconds"] == nil)
            #expect(!failed.text.contains("sip:ann"), "the SIP URI is personal data: \(failed.text)")

            #expect(failed.json["retryable"] as? Bool == true && failed.json["cancellable"] as? Bool == false)

            // "Try again?": the help action on the same cart asks for a new call.
            let help = try await shopper.send(.post, "/v1/help")
            let again = try #require(help.json["call"] as? [String: Any], "\(help.text)")
            #expect(again["status"] as? String == "requested")
            #expect(again["callId"] as? String != callId.uuidString.lowercased())
            // Pressed twice, it is still that one new call.
            #expect((try await shopper.send(.post, "/v1/help").json["call"] as? [String: Any])?["callId"] as? String == again["callId"] as? String)
            try await Self.append(harness, try #require(UUID(uuidString: again["callId"] as? String ?? "")),
                                  .failed(CallFailed(callId: try #require(UUID(uuidString: again["callId"] as? String ?? "")), reason: "busy", sipStatus: 486, at: Date())))
            // Nothing is under way any more: a reloaded page gets no call from the stream's catch-up.
            let shopperId = try await Self.shopperId(harness, callId)
            #expect(try await harness.services.offers.latestCall(shopperId: shopperId, finishedSince: nil) == nil)
        }
    }

    static func shopperId(_ harness: WebHarness, _ callId: UUID) async throws -> UUID {
        try #require(try await AggregateStore(log: harness.log).load(CallAggregate.self, .call(callId)).state.request?.shopperId)
    }

    @Test func theEventStreamReplaysTheCallUnderWayAndPushesEachChange() async throws {
        try await LiveWeb.run { web in
            let harness = web.harness
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            let callId = try await Self.requestedCall(harness, shopper, preferences: Self.phone)
            let events = Self.connectingEvents(callId)
            try await Self.append(harness, callId, events[0])
            try await Self.append(harness, callId, events[1])

            // A page loaded now (or reloaded) gets the call as it stands: ringing.
            var stream = try await EventStreamReader.open(web, shopper)
            let caughtUp = try await stream.next("call")
            #expect(caughtUp["status"] as? String == "ringing", "\(caughtUp)")
            #expect(caughtUp["statusText"] as? String == "Your phone is ringing")
            #expect(caughtUp["callId"] as? String == callId.uuidString.lowercased())

            // Another shopper's open stream, to show it gets none of it.
            let other = harness.shopper()
            _ = try await other.send(.get, "/v1/carts")  // a session of their own first
            var otherStream = try await EventStreamReader.open(web, other)

            // Each later event is pushed as the state after it.
            try await Self.append(harness, callId, events[2])
            #expect(try await stream.nextCall("answered")["statusText"] as? String == "Connected — Dana joins in a moment")
            try await Self.append(harness, callId, events[3])
            let talking = try await stream.nextCall("talking")
            #expect(talking["statusText"] as? String == "Talking with Dana")
            #expect(talking["talkingSince"] is String)
            try await Self.append(harness, callId, Self.ended(callId))
            let ended = try await stream.nextCall("ended")
            #expect(ended["statusText"] as? String == "Call ended after 3 min 12 s")
            #expect(ended["durationSeconds"] as? Int == 192)
            #expect(!stream.seen.contains("4930123456"), "the number is personal data")
            // Only pushes of states before the catch-up's may come late, never a step back after a push.
            #expect(stream.statusesSkipped.allSatisfy { ["requested", "connecting", "ringing"].contains($0) }, "\(stream.statusesSkipped)")

            // The other shopper's next push is their own offer: no call event came before it.
            _ = try await OfferAPITests.offeredCart(harness, other)
            _ = try await otherStream.next("offer")
            #expect(!otherStream.seen.contains("event: call"), "\(otherStream.seen)")

            // Once ended, a reloaded page (or a new tab) still says how the call ended, for a while.
            var reloaded = try await EventStreamReader.open(web, shopper)
            #expect(try await reloaded.next("call")["statusText"] as? String == "Call ended after 3 min 12 s")
        }
    }

    @Test func theStreamFindsTheShopperOfACallItDidNotSeeRequested() async throws {
        // The call is requested before the hub follows the log (a process started later):
        // its later events still reach the shopper, read from the call's stream.
        try await LiveWeb.run(startHub: false) { web in
            let harness = web.harness
            try await harness.registerMerchant()
            let shopper = harness.shopper()
            let callId = try await Self.requestedCall(harness, shopper, preferences: Self.phone)
            try await Self.append(harness, callId, Self.connectingEvents(callId)[0])
            try await web.hub.start()
            var stream = try await EventStreamReader.open(web, shopper)
            #expect(try await stream.next("call")["status"] as? String == "connecting")  // the catch-up
            try await Self.append(harness, callId, Self.connectingEvents(callId)[1])
            #expect(try await stream.nextCall("ringing")["statusText"] as? String == "Your phone is ringing")
        }
    }
}

/// A real Cartline web stack on a real port, with the offer hub following the log, so
/// Server-Sent Events are read as a browser reads them (the router test client waits for
/// a whole body, and an event stream has no end). The hub starts when the test says.
struct LiveWeb: Sendable {
    let harness: WebHarness
    /// The client for event streams; shut down at the end, or when the test overruns.
    let http: HTTPClient
    let hub: HubStarter
    /// Longest a test may run before its streams are cut (so a missing event fails, not hangs).
    static let watchdogSeconds = 90

    /// Starts the hub and returns once it follows the log.
    final class HubStarter: Sendable {
        let hub: OfferHub
        let task = Mutex<Task<Void, any Error>?>(nil)

        init(hub: OfferHub) { self.hub = hub }

        func start() async throws {
            let hub = self.hub
            task.withLock { $0 = Task { try await hub.run() } }
            let deadline = ContinuousClock.now + .seconds(10)
            while !hub.isFollowing, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(hub.isFollowing, "the offer hub did not start following the log")
        }

        func stop() async {
            guard let task = task.withLock({ $0 }) else { return }
            task.cancel()
            _ = await task.result
        }
    }

    static func run(startHub: Bool = true, configuration: WebConfiguration = WebHarness.testConfiguration(),
                    _ body: @Sendable (LiveWeb) async throws -> Void) async throws {
        let contract = try OpenAPIContract.load()
        try await TestDatabase.with { database in
            try await database.withEventLog { log in
                let services = WebServices(log: log, configuration: configuration, sealingKey: SecretKey(),
                                           sealingKeyID: "s1", metrics: PrometheusCollectorRegistry())
                let app = Application(router: try WebApplication.router(services), logger: TestDatabase.logger)
                try await app.test(.live) { client in
                    let web = LiveWeb(harness: WebHarness(database: database, log: log, services: services, client: client, contract: contract),
                                      http: HTTPClient(eventLoopGroup: .singletonMultiThreadedEventLoopGroup),
                                      hub: HubStarter(hub: services.hub))
                    let watchdog = Task {
                        try await Task.sleep(for: .seconds(Self.watchdogSeconds))
                        Issue.record("the test overran \(Self.watchdogSeconds) s: its event streams are cut")
                        try await web.http.shutdown()
                    }
                    defer { watchdog.cancel() }
                    do {
                        if startHub { try await web.hub.start() }
                        try await body(web)
                    } catch {
                        try? await web.http.shutdown()
                        await web.hub.stop()
                        throw error
                    }
                    // Close the streams first, so the server drains without waiting on them.
                    try? await web.http.shutdown()
                    await web.hub.stop()
                }
            }
        }
    }
}

/// Reads a `text/event-stream` answer frame by frame, as `EventSource` does, keeping all it saw.
struct EventStreamReader {
    static let timeout: TimeAmount = .seconds(30)

    private var body: HTTPClientResponse.Body.AsyncIterator
    private var pending = ""
    private(set) var seen = ""

    static func open(_ web: LiveWeb, _ shopper: APIClient) async throws -> EventStreamReader {
        let port = try #require(web.harness.client.port)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/offers/stream")
        let cookies = await shopper.cookies
        #expect(!cookies.isEmpty, "a stream without the shopper's session would be another shopper's")
        request.headers.add(name: "Cookie", value: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        request.headers.add(name: "Accept", value: "text/event-stream")
        let response = try await web.http.execute(request, timeout: timeout)
        #expect(response.status == .ok)
        #expect(response.headers.first(name: "Content-Type") == "text/event-stream")
        var reader = EventStreamReader(body: response.body.makeAsyncIterator())
        // The server listens to the hub before it writes the catch-up: once that is here,
        // nothing pushed from now on can be missed.
        while !reader.seen.contains("retry: ") { try await reader.receive() }
        return reader
    }

    private mutating func receive() async throws {
        guard let chunk = try await body.next() else { throw ContractError("the event stream ended") }
        let text = String(buffer: chunk)
        seen += text
        pending += text
    }

    /// The next `event: call` whose status is `status`: pushes of earlier states may still
    /// arrive after the catch-up (the page ignores a step back), and are skipped.
    mutating func nextCall(_ status: String) async throws -> [String: Any] {
        while true {
            let call = try await next("call")
            if call["status"] as? String == status { return call }
            statusesSkipped.append(call["status"] as? String ?? "?")
        }
    }

    private(set) var statusesSkipped: [String] = []

    /// The `data:` of the next event named `name` (others are skipped), as JSON.
    mutating func next(_ name: String) async throws -> [String: Any] {
        while true {
            while let end = pending.range(of: "\n\n") {
                let frame = String(pending[..<end.lowerBound])
                pending = String(pending[end.upperBound...])
                let lines = frame.split(separator: "\n")
                guard lines.contains("event: \(name)"), let data = lines.first(where: { $0.hasPrefix("data: ") }) else { continue }
                return (try JSONSerialization.jsonObject(with: Data(data.dropFirst(6).utf8)) as? [String: Any]) ?? [:]
            }
            try await receive()
        }
    }
}
