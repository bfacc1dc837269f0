import CartlineTestSupport
import Foundation
import Testing

@Suite("A client that goes away mid-request")
struct ClientDisconnectTests {
    /// Regression (issue 14): a client that closed its connection half-way through the body
    /// was logged as "request failed" at error and counted as a 500.
    @Test func aClientThatClosesMidBodyIsNeitherAnErrorLineNorA5xx() async throws {
        try await TestDatabase.with { database in
            let server = try ServeProcess(databaseURL: database.url)
            #expect(try await server.waitHealthy(), "\(server.log)")
            for _ in 0..<3 {
                try Self.sendHalfABodyAndClose(port: server.port)
            }
            // Let the server notice the closed connections and finish the requests.
            try await Task.sleep(for: .milliseconds(500))
            let metrics = try await HTTP.send("GET", "\(server.baseURL)/metrics", headers: ServeProcess.scraper)
            #expect(metrics.status == 200)
            let text = String(decoding: metrics.body, as: UTF8.self)
            let requestLines = text.split(separator: "\n").filter { $0.hasPrefix("hb_requests") && $0.contains("/v1/carts") }
            #expect(!requestLines.contains { $0.contains(#"status_code="5"#) }, "\(requestLines)")
            #expect(requestLines.contains { $0.contains(#"status_code="499""#) }, "\(requestLines)")
            #expect(!server.log.contains("request failed"), "\(server.log)")
            #expect(!server.log.contains("error"), "\(server.log)")
            server.process.terminate()
            _ = try await server.waitExit()
        }
    }

    /// Sends the head of a `POST /v1/carts` announcing 1000 bytes, 20 of them, and closes.
    static func sendHalfABodyAndClose(port: Int) throws {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(connected == 0)
        let request = "POST /v1/carts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"merchantId\": \"demo"
        let sent = request.utf8CString.withUnsafeBufferPointer { send(socket, $0.baseAddress, request.utf8.count, 0) }
        #expect(sent == request.utf8.count)
        // Give the server time to start the handler and wait for the rest of the body.
        usleep(200_000)
    }
}
