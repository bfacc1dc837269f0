/// The subset of SDP (RFC 4566, offer/answer RFC 3264) a PCMU phone call needs.
public enum SessionDescription {
    /// Payload types we offer: PCMU and RFC 4733 telephone events.
    public static let pcmuPayloadType = 0
    public static let telephoneEventPayloadType = 101

    /// What an answer tells us: where to send audio and which payload types were accepted.
    public struct Answer: Sendable, Equatable {
        public var connectionHost: String
        public var audioPort: Int
        public var payloadTypes: [Int]
        public var media: MediaAddress { MediaAddress(host: connectionHost, port: audioPort) }
        /// Whether the peer accepted telephone-event (DTMF by RTP).
        public var acceptsTelephoneEvents: Bool { payloadTypes.contains(telephoneEventPayloadType) }
    }

    /// An offer for one audio stream: PCMU (0) and telephone-event (101), 20 ms packets.
    public static func offer(media: MediaAddress, sessionID: UInt64, sessionVersion: UInt64 = 1) -> [UInt8] {
        let addressType = media.host.contains(":") ? "IP6" : "IP4"
        let lines = [
            "v=0",
            "o=cartline \(sessionID) \(sessionVersion) IN \(addressType) \(media.host)",
            "s=Cartline",
            "c=IN \(addressType) \(media.host)",
            "t=0 0",
            "m=audio \(media.port) RTP/AVP \(pcmuPayloadType) \(telephoneEventPayloadType)",
            "a=rtpmap:\(pcmuPayloadType) PCMU/8000",
            "a=rtpmap:\(telephoneEventPayloadType) telephone-event/8000",
            "a=fmtp:\(telephoneEventPayloadType) 0-16",
            "a=ptime:20",
            "a=sendrecv",
        ]
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// Reads the first audio stream of an answer; it must accept PCMU on a non-zero port.
    public static func parseAnswer(_ bytes: [UInt8]) throws(SDPError) -> Answer {
        guard bytes.count <= 16_384 else { throw .tooLarge(bytes: bytes.count) }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8 }
        var sessionConnection: String?
        var audioConnection: String?
        var audioPort: Int?
        var payloadTypes: [Int] = []
        var inAudio = false
        var seenAudio = false
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            lineNumber += 1
            let line = ASCII.trim(rawLine)
            if line.isEmpty { continue }
            let utf8 = line.utf8
            guard utf8.count >= 2, utf8[utf8.index(after: utf8.startIndex)] == UInt8(ascii: "=") else {
                throw .invalidLine(lineNumber)
            }
            let type = line.first
            let value = line.dropFirst(2)
            switch type {
            case "m":
                if seenAudio { inAudio = false; continue }
                let fields = value.split(whereSeparator: isFieldSeparator)
                guard fields.count >= 3, fields[0] == "audio" else { inAudio = false; continue }
                inAudio = true
                seenAudio = true
                // "port/count" is legal; the count does not matter here.
                let portField = fields[1].split(separator: "/").first ?? fields[1]
                guard let port = ASCII.decimal(portField, max: 65_535) else { throw .invalidPort(String(fields[1])) }
                audioPort = port
                payloadTypes = fields.dropFirst(3).compactMap { ASCII.decimal($0, max: 127) }
            case "c":
                // Tabs separate fields too: a tab-only "address" must not pass for a host (found by fuzzing).
                let fields = value.split(whereSeparator: isFieldSeparator)
                guard fields.count >= 3 else { throw .invalidLine(lineNumber) }
                // Multicast TTL suffixes ("/127") are dropped.
                let address = String(fields[2].split(separator: "/").first ?? fields[2])
                if inAudio { audioConnection = address } else if !seenAudio { sessionConnection = address }
            default:
                continue
            }
        }
        guard seenAudio, let audioPort else { throw .noAudioStream }
        guard audioPort != 0 else { throw .audioRejected }
        guard payloadTypes.contains(pcmuPayloadType) else { throw .noPCMU }
        guard let host = audioConnection ?? sessionConnection else { throw .noConnectionAddress }
        return Answer(connectionHost: host, audioPort: audioPort, payloadTypes: payloadTypes)
    }

    private static func isFieldSeparator(_ character: Character) -> Bool { character == " " || character == "\t" }
}
