import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A client of one node's ops API: bearer token on every request, a deadline on each.
struct OpsClient: Sendable {
    /// The largest answer read (a status of 10 000 channels is well below).
    static let maxBodyBytes = 8 << 20
    /// Heartbeats come every 15 s; a stream silent this long is dead.
    static let streamReadTimeout: TimeAmount = .seconds(45)

    let baseURL: String
    let token: String
    let timeout: TimeAmount
    let http: HTTPClient

    /// Runs `body` with a client that is shut down afterwards; nil when it succeeded.
    static func with(baseURL: String, token: String, timeout: TimeAmount,
                     _ body: (OpsClient) async throws(OpsFailure) -> Void) async -> OpsFailure? {
        var configuration = HTTPClient.Configuration(
            timeout: .init(connect: timeout, read: streamReadTimeout),
            decompression: .disabled
        )
        // One person waiting on one request: a refused connection is the answer (exit 5) at
        // once, not after retries until the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        var failure: OpsFailure?
        do {
            try await body(OpsClient(baseURL: baseURL, token: token, timeout: timeout, http: http))
        } catch {
            failure = error
        }
        try? await http.shutdown()
        return failure
    }

    /// The body of a 2xx answer to `method path`.
    func send(_ method: HTTPMethod, _ path: String) async throws(OpsFailure) -> Data {
        let response = try await start(method, path, deadline: .now() + timeout)
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: Self.maxBodyBytes)
        } catch {
            throw .unreachable(url: baseURL, reason: "the answer broke off (\(Self.describe(error)))")
        }
        let data = Data(body.readableBytesView)
        try Self.check(response.status, body: data)
        return data
    }

    /// Reads `GET path` as Server-Sent Events, calling `onEvent(kind, data)` for each until it
    /// returns false or the node ends the stream; only the connection has the timeout.
    func events(_ path: String, _ onEvent: (String, String) -> Bool) async throws(OpsFailure) {
        let response = try await start(.GET, path, deadline: .distantFuture, accept: "text/event-stream")
        guard (200..<300).contains(response.status.code) else {
            let data = (try? await response.body.collect(upTo: Self.maxBodyBytes)).map { Data($0.readableBytesView) } ?? Data()
            try Self.check(response.status, body: data)
            return
        }
        var parser = EventStreamParser()
        do {
            for try await chunk in response.body {
                for event in try parser.feed(chunk.readableBytesView) {
                    guard onEvent(event.kind, event.data) else { return }
                }
            }
        } catch let error as EventStreamParser.LineTooLong {
            throw .failed("the event stream has a line over \(error.limitBytes) bytes")
        } catch is CancellationError {
            return
        } catch {
            if Task.isCancelled { return }
            throw .unreachable(url: baseURL, reason: "the event stream broke off (\(Self.describe(error)))")
        }
    }

    private func start(_ method: HTTPMethod, _ path: String, deadline: NIODeadline, accept: String = "application/json")
        async throws(OpsFailure) -> HTTPClientResponse
    {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: accept)
        do {
            return try await http.execute(request, deadline: deadline)
        } catch {
            throw .unreachable(url: baseURL, reason: Self.describe(error))
        }
    }

    /// A failure for a non-2xx status, with the problem's detail when the body has one.
    static func check(_ status: HTTPResponseStatus, body: Data) throws(OpsFailure) {
        guard !(200..<300).contains(status.code) else { return }
        let problem = try? JSONDecoder().decode(ProblemReply.self, from: body)
        let detail = problem?.detail ?? problem?.title ?? "HTTP \(status.code) \(status.reasonPhrase)"
        switch status.code {
        case 401: throw .unauthorized(detail: detail)
        case 404: throw .notFound(detail: detail)
        default: throw .failed("the node answered \(status.code) \(status.reasonPhrase): \(detail)")
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout: return "no answer in time"
            case .connectTimeout: return "connection timed out"
            case .remoteConnectionClosed: return "the node closed the connection"
            default: return "\(error)"
            }
        }
        let text = "\(error)"
        if text.localizedCaseInsensitiveContains("connection refused") { return "connection refused" }
        return text
    }
}
