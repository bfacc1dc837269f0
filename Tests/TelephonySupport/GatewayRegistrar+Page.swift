import Foundation

extension GatewayRegistrar {
    /// Registers the call user `user` with `password` as a page's Janus handle does (REGISTER,
    /// the registrar's 401 answered with digest), naming `contactPort` on 127.0.0.1 (a SIPp
    /// UAS standing in for the page) as its contact. Returns whether the registrar said 200,
    /// and SIPp's output for failure messages.
    public func registerPage(user: String, password: String, contactPort: Int) async throws -> (registered: Bool, output: String) {
        let scenario = FileManager.default.temporaryDirectory.appendingPathComponent("register-\(UUID().uuidString).xml")
        try Self.registerScenario(user: user, password: password, contactPort: contactPort).write(to: scenario, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: scenario) }
        let page = try await SIPpPeer.start(scenario: .file(scenario), timeout: .seconds(10), extraArguments: ["127.0.0.1:\(port)"])
        let status = await page.waitForExit(timeout: .seconds(10))
        let output = page.output
        await page.stop()
        return (status == 0, output)
    }

    /// A SIPp scenario: REGISTER `user` (From = To, as the registrar requires), answer the 401.
    static func registerScenario(user: String, password: String, contactPort: Int) -> String {
        func request(_ cseq: Int, authorization: String) -> String {
            """
              <send retrans="500">
                <![CDATA[
                  REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
                  Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
                  From: <sip:\(user)@[remote_ip]:[remote_port]>;tag=[pid]SIPpTag00[call_number]
                  To: <sip:\(user)@[remote_ip]:[remote_port]>
                  Call-ID: [call_id]
                  CSeq: \(cseq) REGISTER
                  Contact: <sip:\(user)@127.0.0.1:\(contactPort)>
                  Max-Forwards: 70
                  Expires: 300
                  \(authorization)
                  Content-Length: 0
                ]]>
              </send>
            """
        }
        return """
            <?xml version="1.0" encoding="ISO-8859-1" ?>
            <scenario name="page registers its call user">
            \(request(1, authorization: ""))
              <recv response="401" auth="true"/>
            \(request(2, authorization: "[authentication username=\(user) password=\(password)]"))
              <recv response="200"/>
            </scenario>
            """
    }
}
