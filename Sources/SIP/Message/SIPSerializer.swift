/// Turns a message into wire bytes: CRLF line ends, one line per header entry, and a
/// Content-Length that always matches the body (any stored value is replaced).
public enum SIPSerializer {
    /// The message as bytes.
    public static func serialize(_ message: SIPMessage) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512 + message.body.count)
        switch message.startLine {
        case .request(let method, let uri):
            append(&bytes, method); bytes.append(ASCII.space); append(&bytes, uri); append(&bytes, " SIP/2.0\r\n")
        case .response(let status, let reason):
            append(&bytes, "SIP/2.0 "); append(&bytes, String(status)); bytes.append(ASCII.space); append(&bytes, reason)
            append(&bytes, "\r\n")
        }
        for header in message.headers where header.name != "Content-Length" {
            append(&bytes, header.name); append(&bytes, ": "); append(&bytes, header.value); append(&bytes, "\r\n")
        }
        append(&bytes, "Content-Length: "); append(&bytes, String(message.body.count)); append(&bytes, "\r\n\r\n")
        bytes.append(contentsOf: message.body)
        return bytes
    }

    @inline(__always) private static func append(_ bytes: inout [UInt8], _ string: String) {
        bytes.append(contentsOf: string.utf8)
    }
}
