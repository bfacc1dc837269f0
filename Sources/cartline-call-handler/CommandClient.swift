#if canImport(Glibc)
import Glibc
#endif

/// A reply line: `200 result=answered`, `520 Invalid usage: …`.
struct Reply {
    var code: Int
    /// The word after `result=` for `200` replies.
    var result: String?
    var line: String

    init(line: String) {
        self.line = line
        let parts = line.split(separator: " ", maxSplits: 2)
        code = parts.first.flatMap { Int($0) } ?? 0
        if code == 200, parts.count > 1, parts[1].hasPrefix("result=") {
            result = String(parts[1].dropFirst("result=".count))
        }
    }

    var isAnswered: Bool { code == 200 && result == "answered" }
}

/// Why the conversation cannot go on; every case ends the handler with status 0.
enum ClientError: Error {
    /// stdin reached EOF or stdout is a broken pipe: the call is gone.
    case closed
    /// The channel answered 511: the call is gone.
    case channelGone
}

/// Sends commands and reads their replies, setting aside `800` event lines that arrive at
/// any time: a reply is any line that does not start with `800 `.
struct CommandClient {
    /// Events kept while waiting for replies; older ones are dropped beyond this.
    static let maxPendingEvents = 64

    private var reader: LineReader
    private var pendingEvents: [String] = []

    init(reader: LineReader) {
        self.reader = reader
    }

    /// Writes `command` and returns its reply.
    mutating func send(_ command: String) throws(ClientError) -> Reply {
        try writeLine(command)
        while let line = reader.readLine() {
            if line.hasPrefix("800 ") {
                pendingEvents.append(line)
                if pendingEvents.count > Self.maxPendingEvents { pendingEvents.removeFirst() }
                continue
            }
            let reply = Reply(line: line)
            if reply.code == 511 { throw .channelGone }
            return reply
        }
        throw .closed
    }

    /// Returns the first event (pending or new) whose line starts with one of `prefixes`.
    mutating func waitForEvent(prefixes: [String]) throws(ClientError) -> String {
        func matches(_ line: String) -> Bool { prefixes.contains { line.hasPrefix($0) } }
        if let index = pendingEvents.firstIndex(where: matches) {
            return pendingEvents.remove(at: index)
        }
        while let line = reader.readLine() {
            if matches(line) { return line }
        }
        throw .closed
    }

    private func writeLine(_ command: String) throws(ClientError) {
        let bytes = Array((command + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw .closed }
            offset += written
        }
    }
}
