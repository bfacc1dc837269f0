import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOHTTP1
import ServiceLifecycle
import Telephony
import TelephonyNode
import Testing

@Suite("Ops API: the event stream")
struct OpsEventStreamTests {
    @Test func eachEventIsFramedWithItsKindAndJSON() async throws {
        let events = [OpsEvent.opsSample("call-started", detail: "dialling"), OpsEvent.opsSample("call-ended", channel: nil, detail: "line 1\nline 2")]
        // Live: the stream watches the connection, which the router test framework has not.
        try await OpsTestApp.application(OpsTestControl(finiteTail: events)).test(.live) { client in
            let port = try #require(client.port)
            let response = try await HTTPClient.shared.execute(Self.eventsRequest(port: port), timeout: .seconds(20))
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "Content-Type") == "text/event-stream")
            let body = try await response.body.collect(upTo: 1 << 20)
            let frames = String(buffer: body).components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(frames.first?.hasPrefix(":") == true)  // opened: a comment
            let eventFrames = frames.filter { $0.hasPrefix("event: ") }
            #expect(eventFrames.count == 2)
            for (frame, expected) in zip(eventFrames, events) {
                let lines = frame.split(separator: "\n")
                #expect(lines.count == 2)  // a newline in the detail stays inside the JSON string
                #expect(lines.first == "event: \(expected.kind)")
                let data = try #require(lines.last?.dropFirst("data: ".count))
                #expect(try OpsTestApp.decoder.decode(OpsEvent.self, from: Data(data.utf8)) == expected)
                #expect(data.contains("\"at\":\"2026-11-18T11:06:40.125Z\""))
            }
        }
    }

    @Test func aLiveStreamDeliversEventsAsTheyHappenAndHeartbeats() async throws {
        let control = OpsTestControl()
        try await OpsTestApp.application(control, heartbeat: .milliseconds(100)).test(.live) { client in
            let port = try #require(client.port)
            let response = try await HTTPClient.shared.execute(Self.eventsRequest(port: port), timeout: .seconds(20))
            #expect(response.status == .ok)
            var text = ""
            var emitted = false
            for try await chunk in response.body {
                text += String(buffer: chunk)
                if !emitted, text.contains("cartline-ops event tail") {
                    try await control.tail.waitForSubscribers(1)
                    control.tail.emit(.opsSample("call-answered"))
                    emitted = true
                }
                if text.contains("event: call-answered\ndata: {"), text.contains(": keep-alive\n\n") { break }
            }
            #expect(text.contains("event: call-answered\ndata: {"))
            #expect(text.contains(": keep-alive\n\n"))
        }
    }

    @Test func streamsBeyondTheLimitAre503UntilOneCloses() async throws {
        let control = OpsTestControl()
        try await OpsTestApp.application(control, maxEventStreams: 1).test(.live) { client in
            let port = try #require(client.port)
            let first = try await HTTPClient.shared.execute(Self.eventsRequest(port: port), timeout: .seconds(20))
            #expect(first.status == .ok)
            try await control.tail.waitForSubscribers(1)
            let second = try await client.execute(uri: "/ops/v1/events", method: .get, headers: OpsTestApp.headers())
            #expect(second.status == .serviceUnavailable)
            #expect(second.headers[.contentType] == "application/problem+json")
            // Reading a little and dropping the first stream gives its slot back.
            for try await _ in first.body { break }
            let deadline = ContinuousClock.now + .seconds(20)
            while control.tail.subscriberCount > 0 {
                #expect(ContinuousClock.now < deadline, "the first stream never closed")
                if ContinuousClock.now >= deadline { return }
                try await Task.sleep(for: .milliseconds(20))
            }
            let third = try await HTTPClient.shared.execute(Self.eventsRequest(port: port), timeout: .seconds(20))
            #expect(third.status == .ok)
        }
    }

    @Test func gracefulShutdownEndsTheStream() async throws {
        let control = OpsTestControl()
        let api = OpsAPI(control: control, configuration: try OpsTestApp.configuration())
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let app = api.application(logger: Logger(label: "ops-test")) { port in portSink.yield(port) }
        let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "ops-test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var portIterator = ports.makeAsyncIterator()
            let port = try #require(await portIterator.next())
            let response = try await HTTPClient.shared.execute(Self.eventsRequest(port: port), timeout: .seconds(20))
            #expect(response.status == .ok)
            var text = ""
            var shutDown = false
            for try await chunk in response.body {
                text += String(buffer: chunk)
                if !shutDown, text.contains("cartline-ops event tail") {
                    await group.triggerGracefulShutdown()
                    shutDown = true
                }
            }
            // The loop ended: the server finished the stream instead of being cut off at the deadline.
            #expect(shutDown)
            try await tasks.waitForAll()
        }
    }

    static func eventsRequest(port: Int) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: "http://localhost:\(port)/ops/v1/events")
        request.headers.add(name: "Authorization", value: "Bearer \(OpsTestApp.token)")
        return request
    }
}
