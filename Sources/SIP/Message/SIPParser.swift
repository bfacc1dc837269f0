/// Parses one SIP message from one datagram (RFC 3261 §7, §18.3 for UDP framing).
///
/// Guarantees: never traps on any input; returns a message or a `SIPParseError`. Work and memory
/// are bounded by `Limits` (message size, line length, header count). Compact header names become
/// long names; folded lines are joined; list headers (Via, Route, Contact…) are split into one
/// entry per element. Content-Length is honoured (extra bytes are discarded, as RFC 3261 §18.3
/// says for UDP); without it, the body is the rest of the datagram.
public struct SIPParser: Sendable {
    /// Bounds on what one message may hold.
    public struct Limits: Sendable {
        public var maxMessageBytes = 65_536
        public var maxLineBytes = 8_192
        public var maxHeaders = 256
        public init() {}
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Parses the bytes of one datagram.
    public func parse(_ bytes: [UInt8]) throws(SIPParseError) -> SIPMessage {
        guard bytes.count <= limits.maxMessageBytes else {
            throw .messageTooLarge(bytes: bytes.count, limitBytes: limits.maxMessageBytes)
        }
        var position = 0
        // Keep-alive CRLFs before a message are allowed (RFC 5626 §4.4.1, RFC 3261 §7.5).
        while position < bytes.count, bytes[position] == ASCII.cr || bytes[position] == ASCII.lf { position += 1 }
        guard position < bytes.count else { throw .empty }

        var lineNumber = 1
        guard let first = nextLine(bytes, from: &position) else { throw .unterminatedHeaders }
        try check(first, in: bytes, line: lineNumber)
        let startLine = try parseStartLine(bytes[first])

        var headers = SIPHeaders()
        var fieldCount = 0
        var pendingName: String?
        var pendingValue: [UInt8] = []
        var terminated = false
        while let range = nextLine(bytes, from: &position) {
            lineNumber += 1
            try check(range, in: bytes, line: lineNumber)
            if range.isEmpty { terminated = true; break }
            if ASCII.isWhitespace(bytes[range.lowerBound]) {
                // Folded continuation: joined to the previous value with one space (RFC 3261 §7.3.1).
                guard pendingName != nil else { throw .continuationWithoutHeader(line: lineNumber) }
                guard pendingValue.count + range.count <= limits.maxLineBytes else {
                    throw .lineTooLong(line: lineNumber, limitBytes: limits.maxLineBytes)
                }
                var start = range.lowerBound
                while start < range.upperBound, ASCII.isWhitespace(bytes[start]) { start += 1 }
                if start < range.upperBound {
                    if !pendingValue.isEmpty { pendingValue.append(ASCII.space) }
                    pendingValue.append(contentsOf: bytes[start..<range.upperBound])
                }
                continue
            }
            if let name = pendingName {
                try flush(name: name, value: pendingValue, into: &headers, line: lineNumber - 1)
            }
            fieldCount += 1
            guard fieldCount <= limits.maxHeaders else { throw .tooManyHeaders(limit: limits.maxHeaders) }
            guard let colon = bytes[range].firstIndex(of: UInt8(ascii: ":")) else {
                throw .invalidHeaderLine(line: lineNumber)
            }
            var nameEnd = colon
            while nameEnd > range.lowerBound, ASCII.isWhitespace(bytes[nameEnd - 1]) { nameEnd -= 1 }
            let nameBytes = bytes[range.lowerBound..<nameEnd]
            guard !nameBytes.isEmpty, nameBytes.allSatisfy(ASCII.isToken) else {
                throw .invalidHeaderName(line: lineNumber)
            }
            pendingName = String(decoding: nameBytes, as: UTF8.self)
            var valueStart = colon + 1
            while valueStart < range.upperBound, ASCII.isWhitespace(bytes[valueStart]) { valueStart += 1 }
            pendingValue = Array(bytes[valueStart..<range.upperBound])
        }
        guard terminated else { throw .unterminatedHeaders }
        if let name = pendingName {
            try flush(name: name, value: pendingValue, into: &headers, line: lineNumber - 1)
        }

        let body = try extractBody(bytes, from: position, headers: headers)
        try validate(startLine: startLine, headers: headers)
        return SIPMessage(startLine: startLine, headers: headers, body: body)
    }

    // MARK: - Lines

    /// The next line's content range (without CR LF), advancing `position` past its terminator.
    /// Bare LF is accepted as a terminator. Nil when no terminator is left.
    private func nextLine(_ bytes: [UInt8], from position: inout Int) -> Range<Int>? {
        var index = position
        while index < bytes.count {
            if bytes[index] == ASCII.lf {
                let end = (index > position && bytes[index - 1] == ASCII.cr) ? index - 1 : index
                let range = position..<end
                position = index + 1
                return range
            }
            index += 1
        }
        return nil
    }

    private func check(_ range: Range<Int>, in bytes: [UInt8], line: Int) throws(SIPParseError) {
        guard range.count <= limits.maxLineBytes else { throw .lineTooLong(line: line, limitBytes: limits.maxLineBytes) }
        for byte in bytes[range] where (byte < 32 && byte != ASCII.tab) || byte == 127 {
            throw .invalidCharacter(line: line)
        }
    }

    // MARK: - Start line

    private func parseStartLine(_ line: ArraySlice<UInt8>) throws(SIPParseError) -> SIPMessage.StartLine {
        guard let text = String(validating: line, as: UTF8.self) else { throw .invalidUTF8(line: 1) }
        let parts = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else { throw .invalidStartLine(text) }
        if parts[0].utf8.count >= 4, ASCII.caseInsensitiveEquals(String(parts[0].prefix(4)), "SIP/") {
            guard ASCII.caseInsensitiveEquals(String(parts[0]), "SIP/2.0") else { throw .unsupportedVersion(String(parts[0])) }
            guard parts[1].utf8.count == 3, let status = ASCII.decimal(parts[1], max: 699), status >= 100 else {
                throw .invalidStatusCode(String(parts[1]))
            }
            return .response(status: status, reason: String(parts[2]))
        }
        guard ASCII.isToken(parts[0]) else { throw .invalidMethod(String(parts[0])) }
        guard ASCII.caseInsensitiveEquals(String(parts[2]), "SIP/2.0") else {
            if parts[2].hasPrefix("SIP/") || parts[2].hasPrefix("sip/") { throw .unsupportedVersion(String(parts[2])) }
            throw .invalidStartLine(text)
        }
        let uri = parts[1]
        guard let colon = uri.firstIndex(of: ":"), colon != uri.startIndex, uri.index(after: colon) != uri.endIndex else {
            throw .invalidRequestURI(String(uri))
        }
        return .request(method: String(parts[0]), uri: String(uri))
    }

    // MARK: - Headers

    private func flush(name: String, value: [UInt8], into headers: inout SIPHeaders, line: Int) throws(SIPParseError) {
        guard let text = String(validating: value, as: UTF8.self) else { throw .invalidUTF8(line: line) }
        let canonical = SIPHeaderName.canonical(name)
        if SIPHeaderName.isList(canonical), text != "*" {
            guard let elements = ASCII.splitList(Substring(text)) else { throw .unbalancedList(header: canonical) }
            guard headers.count + elements.count <= limits.maxHeaders else { throw .tooManyHeaders(limit: limits.maxHeaders) }
            for element in elements { headers.add(canonical, String(element)) }
        } else {
            headers.add(canonical, String(ASCII.trim(text)))
        }
    }

    // MARK: - Body and validation

    private func extractBody(_ bytes: [UInt8], from position: Int, headers: SIPHeaders) throws(SIPParseError) -> [UInt8] {
        let available = bytes.count - position
        let declared = headers.values("Content-Length")
        guard let firstValue = declared.first else { return Array(bytes[position...]) }
        guard let length = ASCII.decimal(ASCII.trim(firstValue), max: limits.maxMessageBytes) else {
            throw .invalidContentLength(firstValue)
        }
        for other in declared.dropFirst() where ASCII.decimal(ASCII.trim(other), max: limits.maxMessageBytes) != length {
            throw .conflictingContentLength
        }
        guard length <= available else { throw .bodyTruncated(declaredBytes: length, availableBytes: available) }
        return Array(bytes[position..<(position + length)])
    }

    private func validate(startLine: SIPMessage.StartLine, headers: SIPHeaders) throws(SIPParseError) {
        for name in ["Via", "From", "To", "Call-ID", "CSeq"] where headers.first(name)?.isEmpty ?? true {
            throw .missingHeader(name)
        }
        guard let cseqValue = headers.first("CSeq") else { throw .missingHeader("CSeq") }
        let cseq: SIPCSeq
        do { cseq = try SIPCSeq(parsing: cseqValue) } catch { throw .invalidCSeq(cseqValue) }
        if case .request(let method, _) = startLine, cseq.method != method {
            throw .cseqMethodMismatch(requestMethod: method, cseqMethod: cseq.method)
        }
    }
}

extension SIPParser {
    /// Parses with the default limits.
    public static func parse(_ bytes: [UInt8]) throws(SIPParseError) -> SIPMessage {
        try SIPParser().parse(bytes)
    }
}
