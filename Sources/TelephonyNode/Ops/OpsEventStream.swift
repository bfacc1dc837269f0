import Foundation
import HTTPTypes
import Hummingbird
import ServiceLifecycle
import Telephony

/// `GET /ops/v1/events`: the node's event tail as Server-Sent Events — `event: <kind>` and
/// `data: <OpsEvent JSON>` per event, a comment line every heartbeat interval, and the end
/// of the stream when the node shuts down gracefully.
///
/// Test it on a live server: it watches the connection for the client going away, which
/// HummingbirdTesting's `.router` framework has no connection for.
enum OpsEventStream {
    /// What goes down the wire, in order.
    enum Frame: Sendable, Equatable {
        case opened
        case event(OpsEvent)
        case heartbeat

        /// The frame in `text/event-stream` framing.
        var text: String {
            switch self {
            case .opened:
                return ": cartline-ops event tail\nretry: 3000\n\n"
            case .event(let event):
                let data = (try? OpsJSON.data(event)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
                return "event: \(Self.oneLine(event.kind))\ndata: \(data)\n\n"
            case .heartbeat:
                return ": keep-alive\n\n"
            }
        }

        /// A field value may not break the framing.
        private static func oneLine(_ text: String) -> String {
            String(text.prefix(200).map { $0.isNewline ? " " : $0 })
        }
    }

    static func response(to request: Request, control: any OpsControl, configuration: OpsAPIConfiguration, slots: OpsStreamSlots) throws -> Response {
        guard let slot = slots.take() else {
            throw OpsProblem.unavailable("\(slots.maxStreams) event streams are open already; close one")
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let heartbeat = configuration.heartbeatInterval
        let bufferCount = configuration.eventBufferCount
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            // The slot lives as long as the body runs (and is given back when it ends).
            defer { withExtendedLifetime(slot) {} }
            // A client that goes away ends the stream at once, not at the next failed write.
            try await request.body.consumeWithCancellationOnInboundClose { _ in
                let events = control.eventTail()
                try await writer.write(ByteBuffer(string: Frame.opened.text))
                let (frames, sink) = AsyncStream.makeStream(of: Frame.self, bufferingPolicy: .bufferingNewest(bufferCount))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await event in events { sink.yield(.event(event)) }
                        sink.finish()
                    }
                    group.addTask {
                        while !Task.isCancelled {
                            try await Task.sleep(for: heartbeat)
                            sink.yield(.heartbeat)
                        }
                    }
                    for await frame in frames.cancelOnGracefulShutdown() {
                        try await writer.write(ByteBuffer(string: frame.text))
                    }
                    group.cancelAll()
                }
            }
            try await writer.finish(nil)
        })
    }
}
