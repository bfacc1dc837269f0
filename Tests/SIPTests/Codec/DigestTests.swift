@testable import SIP
import Testing

@Suite("Digest authentication")
struct DigestTests {
    @Test func rfc2617ExampleGivesTheDocumentedResponse() throws {
        // RFC 2617 §3.5.
        let challenge = try DigestChallenge(parsing: #"Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41""#)
        let authorization = try DigestAuthorization(
            challenge: challenge, username: "Mufasa", password: "Circle Of Life", method: "GET", uri: "/dir/index.html",
            cnonce: "0a4f113b", nonceCount: 1
        )
        #expect(authorization.response == "6629fae49393a05397450978507c4ef1")
        #expect(authorization.headerValue == #"Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", response="6629fae49393a05397450978507c4ef1", algorithm=MD5, opaque="5ccc069c403ebaf9f0171e9517f40e41", qop=auth, nc=00000001, cnonce="0a4f113b""#)
    }

    @Test func digestWithoutQopUsesTheRFC2069Formula() throws {
        // MD5(MD5("alice:example.com:secret"):nonce:MD5("INVITE:sip:bob@example.com")), computed independently.
        let challenge = try DigestChallenge(parsing: #"Digest realm="example.com", nonce="abc123""#)
        let authorization = try DigestAuthorization(
            challenge: challenge, username: "alice", password: "secret", method: "INVITE", uri: "sip:bob@example.com", cnonce: "unused"
        )
        #expect(authorization.qop == nil && authorization.cnonce == nil)
        #expect(authorization.response == "d4fcea5330184d6bcdc5eb55cd75ecbc")
        #expect(!authorization.headerValue.contains("qop"))
    }

    @Test func unsupportedChallengesAreErrors() {
        #expect(throws: DigestError.notDigest) { try DigestChallenge(parsing: "Basic realm=\"x\"") }
        #expect(throws: DigestError.missingParameter("nonce")) { try DigestChallenge(parsing: "Digest realm=\"x\"") }
        #expect(throws: DigestError.self) { try DigestChallenge(parsing: "Digest realm=\"x, nonce=1") }
        let sha512 = DigestChallenge(realm: "r", nonce: "n", algorithm: "SHA-512-256")
        #expect(throws: DigestError.unsupportedAlgorithm("SHA-512-256")) {
            try DigestAuthorization(challenge: sha512, username: "u", password: "p", method: "INVITE", uri: "sip:x", cnonce: "c")
        }
        let intOnly = DigestChallenge(realm: "r", nonce: "n", qopOptions: ["auth-int"])
        #expect(throws: DigestError.self) {
            try DigestAuthorization(challenge: intOnly, username: "u", password: "p", method: "INVITE", uri: "sip:x", cnonce: "c")
        }
    }
}
