import Crypto

/// Credentials answering a digest challenge: the `Authorization` / `Proxy-Authorization` value.
public struct DigestAuthorization: Sendable, Equatable {
    public var username: String
    public var realm: String
    public var nonce: String
    public var uri: String
    public var response: String
    public var algorithm: String
    public var opaque: String?
    /// `auth` when the challenge offered it, else nil (RFC 2069 compatibility).
    public var qop: String?
    public var cnonce: String?
    public var nonceCount: UInt32?

    /// Computes the response for `method` and `uri` (RFC 2617 §3.2.2, RFC 7616 §3.4.1).
    /// `cnonce` must be fresh per challenge; `nonceCount` counts uses of one nonce from 1.
    public init(
        challenge: DigestChallenge, username: String, password: String, method: String, uri: String,
        cnonce: String, nonceCount: UInt32 = 1
    ) throws(DigestError) {
        let hash: @Sendable (String) -> String
        switch challenge.algorithm.uppercased() {
        case "MD5": hash = { Self.hex(Insecure.MD5.hash(data: Array($0.utf8))) }
        case "SHA-256": hash = { Self.hex(SHA256.hash(data: Array($0.utf8))) }
        default: throw .unsupportedAlgorithm(challenge.algorithm)
        }
        let qop: String?
        if challenge.qopOptions.isEmpty {
            qop = nil
        } else if challenge.qopOptions.contains(where: { ASCII.caseInsensitiveEquals($0, "auth") }) {
            qop = "auth"
        } else {
            throw .unsupportedQOP(challenge.qopOptions.joined(separator: ","))
        }
        let ha1 = hash("\(username):\(challenge.realm):\(password)")
        let ha2 = hash("\(method):\(uri)")
        let countText = Self.nonceCountText(nonceCount)
        if let qop {
            response = hash("\(ha1):\(challenge.nonce):\(countText):\(cnonce):\(qop):\(ha2)")
            self.cnonce = cnonce
            self.nonceCount = nonceCount
        } else {
            response = hash("\(ha1):\(challenge.nonce):\(ha2)")
            self.cnonce = nil
            self.nonceCount = nil
        }
        self.qop = qop
        self.username = username
        self.realm = challenge.realm
        self.nonce = challenge.nonce
        self.uri = uri
        self.algorithm = challenge.algorithm
        self.opaque = challenge.opaque
    }

    /// The header value: `Digest username="…", realm="…", …`.
    public var headerValue: String {
        var text = "Digest username=\"\(Self.quote(username))\", realm=\"\(Self.quote(realm))\", nonce=\"\(Self.quote(nonce))\", uri=\"\(Self.quote(uri))\", response=\"\(response)\", algorithm=\(algorithm)"
        if let opaque { text += ", opaque=\"\(Self.quote(opaque))\"" }
        if let qop, let cnonce, let nonceCount {
            text += ", qop=\(qop), nc=\(Self.nonceCountText(nonceCount)), cnonce=\"\(Self.quote(cnonce))\""
        }
        return text
    }

    static func nonceCountText(_ count: UInt32) -> String {
        let digits = String(count, radix: 16)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    static func quote(_ text: String) -> String {
        guard text.contains(where: { $0 == "\"" || $0 == "\\" }) else { return text }
        var result = ""
        for character in text {
            if character == "\"" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        for byte in digest {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
