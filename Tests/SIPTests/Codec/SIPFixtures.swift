import Foundation

/// Byte fixtures: real-looking messages, written with LF and sent with CRLF.
enum SIPFixtures {
    static func bytes(_ text: String, lineEnding: String = "\r\n") -> [UInt8] {
        Array(text.replacingOccurrences(of: "\n", with: lineEnding).utf8)
    }

    static let sdpAnswerText = """
        v=0
        o=user1 53655765 2353687637 IN IP4 127.0.0.1
        s=-
        c=IN IP4 127.0.0.1
        t=0 0
        m=audio 6000 RTP/AVP 0 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:101 telephone-event/8000

        """

    static let invite = bytes("""
        INVITE sip:+493012345678@carrier.example;user=phone SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport
        Max-Forwards: 70
        Route: <sip:trunk.carrier.example;lr>
        To: <sip:+493012345678@carrier.example;user=phone>
        From: "Cartline" <sip:cartline@192.0.2.10>;tag=1928301774
        Call-ID: a84b4c76e66710@192.0.2.10
        CSeq: 314159 INVITE
        Contact: <sip:cartline@192.0.2.10:5060>
        Content-Type: application/sdp
        Content-Length: 138

        v=0
        o=cartline 2890844526 2890844526 IN IP4 192.0.2.10
        s=Cartline
        c=IN IP4 192.0.2.10
        t=0 0
        m=audio 49170 RTP/AVP 0 101
        a=ptime:20

        """)

    static let trying = bytes("""
        SIP/2.0 100 Trying
        Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport=5060;received=192.0.2.10
        To: <sip:+493012345678@carrier.example;user=phone>
        From: "Cartline" <sip:cartline@192.0.2.10>;tag=1928301774
        Call-ID: a84b4c76e66710@192.0.2.10
        CSeq: 314159 INVITE
        Content-Length: 0


        """)

    static let ringing = bytes("""
        SIP/2.0 180 Ringing
        Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport=5060;received=192.0.2.10
        To: <sip:+493012345678@carrier.example;user=phone>;tag=a6c85cf
        From: "Cartline" <sip:cartline@192.0.2.10>;tag=1928301774
        Call-ID: a84b4c76e66710@192.0.2.10
        CSeq: 314159 INVITE
        Contact: <sip:callee@198.51.100.7:5060>
        Content-Length: 0


        """)

    static let ok = bytes("""
        SIP/2.0 200 OK
        Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport=5060;received=192.0.2.10
        Record-Route: <sip:edge2.carrier.example;lr>, <sip:edge1.carrier.example;lr>
        To: <sip:+493012345678@carrier.example;user=phone>;tag=a6c85cf
        From: "Cartline" <sip:cartline@192.0.2.10>;tag=1928301774
        Call-ID: a84b4c76e66710@192.0.2.10
        CSeq: 314159 INVITE
        Contact: <sip:callee@198.51.100.7:5060>
        Content-Type: application/sdp
        Content-Length: \(sdpAnswerText.utf8.count + sdpAnswerText.filter { $0 == "\n" }.count)

        \(sdpAnswerText)
        """)

    static let proxyAuthenticationRequired = bytes("""
        SIP/2.0 407 Proxy Authentication Required
        Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport=5060
        To: <sip:+493012345678@carrier.example;user=phone>;tag=3flal12sf
        From: "Cartline" <sip:cartline@192.0.2.10>;tag=1928301774
        Call-ID: a84b4c76e66710@192.0.2.10
        CSeq: 314159 INVITE
        Proxy-Authenticate: Digest realm="carrier.example", nonce="f84f1cec41e6cbe5aea9c8e88d359", qop="auth,auth-int", opaque="5ccc069c403ebaf9f0171e9517f40e41", algorithm=MD5, stale=FALSE
        Content-Length: 0


        """)

    /// Folded headers, compact names, lower-case names, extra whitespace, Via in one line and in several.
    static let oddButLegal = bytes("""
        SIP/2.0 180 Ringing
        v: SIP/2.0/UDP proxy2.example.com:5060;branch=z9hG4bK721e4.1 ,
         SIP/2.0/UDP proxy1.example.com;branch=z9hG4bK721e3.1
        via  :   SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds
        t: <sip:bob@example.com>;tag=8321234356
        f: "Alice, the \\"first\\"" <sip:alice@example.com>;tag=9fxced76sl
        i: 3848276298220188511@atlanta.example.com
        cseq:   1   INVITE
        subject: I know you're there,
                 pick up the phone
        m: <sip:bob@192.0.2.4>
        l: 0


        """)

    static let rfc3261Torture = bytes("""
        OPTIONS sip:user@example.com SIP/2.0
        To: sip:user@example.com
        From: caller<sip:caller@example.com>;tag=323
        Max-Forwards: 70
        Call-ID: transports.kijh4akdnaqjkwendsasfdj
        Accept: application/sdp
        CSeq: 60 OPTIONS
        Via: SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw
        Via: SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf
        Via: SIP/2.0/TLS t3.example.com;branch=z9hG4bK2980unddj
        Via: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en
        Via: SIP/2.0/TCP t5.example.com;branch=z9hG4bK0a9idfnee
        l: 0


        """)
}
