import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Telephony
import TelephonyNode
import Testing

@Suite("Ops API: routes, token, problems")
struct OpsAPITests {
    static let routes: [(HTTPRequest.Method, String)] = [
        (.get, "/ops/v1/status"), (.get, "/ops/v1/calls"), (.post, "/ops/v1/drain"), (.post, "/ops/v1/resume"),
        (.post, "/ops/v1/calls/\(OpsTestControl.busyCallId.uuidString)/hangup"), (.post, "/ops/v1/handlers/restart"),
        (.get, "/ops/v1/events"), (.get, "/ops/v1/nowhere"), (.delete, "/ops/v1/status"),
    ]

    @Test func everyRouteAnswers401ProblemWithoutTheRightToken() async throws {
        let control = OpsTestControl()
        try await OpsTestApp.application(control).test(.router) { client in
            let refused: [HTTPFields] = [
                OpsTestApp.headers(token: nil),
                OpsTestApp.headers(token: "not-the-ops-token-0123456789"),
                OpsTestApp.headers(token: String(OpsTestApp.token.dropLast())),
                OpsTestApp.headers(token: OpsTestApp.token + "x"),
                [.authorization: "Basic \(OpsTestApp.token)"],
                [.authorization: "Bearer"],
            ]
            for (method, path) in Self.routes {
                for headers in refused {
                    try await client.execute(uri: path, method: method, headers: headers) { response in
                        #expect(response.status == .unauthorized, "\(method) \(path) with \(headers)")
                        #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"cartline-ops\"")
                        #expect(response.headers[.contentType] == "application/problem+json")
                        let problem = try OpsTestApp.json(response.body)
                        #expect(problem["type"] as? String == "urn:cartline:problem:unauthorized")
                        #expect(problem["status"] as? Int == 401)
                    }
                }
            }
        }
        #expect(await control.drains == 0)
        #expect(await control.hangUps.isEmpty)
        #expect(await control.restarts == 0)
    }

    @Test func theBearerSchemeIsCaseInsensitive() async throws {
        try await OpsTestApp.application(OpsTestControl()).test(.router) { client in
            let response = try await client.execute(uri: "/ops/v1/status", method: .get, headers: [.authorization: "bearer \(OpsTestApp.token)"])
            #expect(response.status == .ok)
        }
    }

    @Test func statusIsThePoolStatusWithMillisecondDates() async throws {
        let control = OpsTestControl()
        try await OpsTestApp.application(control).test(.router) { client in
            let response = try await client.execute(uri: "/ops/v1/status", method: .get, headers: OpsTestApp.headers())
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let status = try OpsTestApp.decoder.decode(PoolStatus.self, from: Data(response.body.readableBytesView))
            #expect(status == (await control.status()))
            let text = String(buffer: response.body)
            #expect(text.contains("\"since\":\"2026-11-18T11:06:40.125Z\""), "\(text)")
            let json = try OpsTestApp.json(response.body)
            #expect(json["state"] as? String == "running")
            #expect((json["channels"] as? [[String: Any]])?.count == 3)
        }
    }

    @Test func callsAreListedUnderCalls() async throws {
        try await OpsTestApp.application(OpsTestControl()).test(.router) { client in
            let response = try await client.execute(uri: "/ops/v1/calls", method: .get, headers: OpsTestApp.headers())
            #expect(response.status == .ok)
            struct Calls: Decodable { let calls: [LiveCall] }
            let calls = try OpsTestApp.decoder.decode(Calls.self, from: Data(response.body.readableBytesView)).calls
            #expect(calls.map(\.callId) == [OpsTestControl.busyCallId])
            #expect(calls.first?.answeredAt == OpsTestControl.since.addingTimeInterval(2.5))
        }
    }

    @Test func drainAndResumeAnswerTheNewStatus() async throws {
        let control = OpsTestControl()
        try await OpsTestApp.application(control).test(.router) { client in
            let drained = try await client.execute(uri: "/ops/v1/drain", method: .post, headers: OpsTestApp.headers())
            #expect(drained.status == .ok)
            #expect(try OpsTestApp.json(drained.body)["state"] as? String == "draining")
            let resumed = try await client.execute(uri: "/ops/v1/resume", method: .post, headers: OpsTestApp.headers())
            #expect(try OpsTestApp.json(resumed.body)["state"] as? String == "running")
        }
        #expect(await control.drains == 1)
        #expect(await control.resumes == 1)
    }

    @Test func hangingUpALiveCallIsAcceptedAndAnUnknownOneIsNotFound() async throws {
        let control = OpsTestControl()
        let unknown = UUID()
        try await OpsTestApp.application(control).test(.router) { client in
            let path = "/ops/v1/calls/\(OpsTestControl.busyCallId.uuidString.lowercased())/hangup"
            let accepted = try await client.execute(uri: path, method: .post, headers: OpsTestApp.headers())
            #expect(accepted.status == .accepted)
            let body = try OpsTestApp.json(accepted.body)
            #expect((body["callId"] as? String).flatMap(UUID.init(uuidString:)) == OpsTestControl.busyCallId)
            #expect(body["hangingUp"] as? Bool == true)

            let missing = try await client.execute(uri: "/ops/v1/calls/\(unknown.uuidString)/hangup", method: .post, headers: OpsTestApp.headers())
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType] == "application/problem+json")
            #expect((try OpsTestApp.json(missing.body)["detail"] as? String)?.contains(unknown.uuidString.lowercased()) == true)
        }
        #expect(await control.hangUps == [OpsTestControl.busyCallId, unknown])
    }

    @Test func aCallIdThatIsNotAUUIDIsABadRequest() async throws {
        let control = OpsTestControl()
        try await OpsTestApp.application(control).test(.router) { client in
            for bad in ["nope", "123", "5c6e0b9a-3f1d-4c47-9a55-0d2b8e7f1a1", "%00", String(repeating: "a", count: 500)] {
                let response = try await client.execute(uri: "/ops/v1/calls/\(bad)/hangup", method: .post, headers: OpsTestApp.headers())
                #expect(response.status == .badRequest, "\(bad)")
                #expect(try OpsTestApp.json(response.body)["type"] as? String == "urn:cartline:problem:malformed-request")
            }
        }
        #expect(await control.hangUps.isEmpty)
    }

    @Test func restartingHandlersSaysHowManyRestarted() async throws {
        let control = OpsTestControl()
        try await OpsTestApp.application(control).test(.router) { client in
            let response = try await client.execute(uri: "/ops/v1/handlers/restart", method: .post, headers: OpsTestApp.headers())
            #expect(response.status == .ok)
            #expect(try OpsTestApp.json(response.body)["restarted"] as? Int == 2)
        }
        #expect(await control.restarts == 1)
    }

    @Test func unknownRoutesAre404AndWrongMethods405WithAllow() async throws {
        try await OpsTestApp.application(OpsTestControl()).test(.router) { client in
            for path in ["/ops/v1/nowhere", "/", "/ops/v2/status", "/ops/v1/calls/x/y/z"] {
                let response = try await client.execute(uri: path, method: .get, headers: OpsTestApp.headers())
                #expect(response.status == .notFound, "\(path)")
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            let wrong: [(HTTPRequest.Method, String, String)] = [
                (.post, "/ops/v1/status", "GET"), (.get, "/ops/v1/drain", "POST"), (.delete, "/ops/v1/calls", "GET"),
                (.get, "/ops/v1/calls/\(UUID().uuidString)/hangup", "POST"), (.put, "/ops/v1/events", "GET"),
            ]
            for (method, path, allow) in wrong {
                let response = try await client.execute(uri: path, method: method, headers: OpsTestApp.headers())
                #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                #expect(response.headers[.allow] == allow)
                #expect(try OpsTestApp.json(response.body)["type"] as? String == "urn:cartline:problem:method-not-allowed")
            }
        }
    }

    @Test func aBodyOrQueryDoesNotConfuseTheRoutes() async throws {
        try await OpsTestApp.application(OpsTestControl()).test(.router) { client in
            let drained = try await client.execute(uri: "/ops/v1/drain?force=1", method: .post, headers: OpsTestApp.headers(),
                                                   body: ByteBuffer(string: "{not json"))
            #expect(drained.status == .ok)
        }
    }

    @Test func nothingAClientSendsYieldsA500() async throws {
        let control = OpsTestControl()
        try await OpsTestApp.application(control).test(.router) { client in
            let paths = ["/ops/v1/calls/%ZZ/hangup", "/ops/v1/calls/%00%ff/hangup", "/ops/v1/calls//hangup", "/ops/v1//status",
                         "/ops/v1/status?\(String(repeating: "q=1&", count: 200))", "/ops/v1/calls/\(String(repeating: "é", count: 300))/hangup",
                         "/%2e%2e/ops/v1/status", "/ops/v1/status/"]
            let methods: [HTTPRequest.Method] = [.get, .post, .put, .delete, .head, .options, .patch]
            for path in paths {
                for method in methods {
                    for token in [OpsTestApp.token, nil] {
                        let response = try await client.execute(uri: path, method: method, headers: OpsTestApp.headers(token: token),
                                                                body: ByteBuffer(string: "\u{0}{]"))
                        #expect(response.status.code < 500, "\(method) \(path): \(response.status)")
                    }
                }
            }
        }
        #expect(await control.hangUps.isEmpty)
    }

    @Test func theConfigurationRefusesAShortTokenAndReadsTheEnvironment() throws {
        #expect(throws: OpsAPIError.weakToken(minimumLength: 16)) { try OpsAPIConfiguration(token: "short") }
        #expect(throws: OpsAPIError.weakToken(minimumLength: 16)) { try OpsAPIConfiguration.fromEnvironment([:]) }
        #expect(throws: OpsAPIError.self) {
            try OpsAPIConfiguration.fromEnvironment(["CARTLINE_OPS_TOKEN": OpsTestApp.token, "CARTLINE_OPS_PORT": "70000"])
        }
        let configuration = try OpsAPIConfiguration.fromEnvironment(["CARTLINE_OPS_TOKEN": OpsTestApp.token, "CARTLINE_OPS_PORT": "9100"])
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 9100)
        #expect(configuration.heartbeatInterval == .seconds(15))
        #expect(try OpsAPIConfiguration.fromEnvironment(["CARTLINE_OPS_TOKEN": OpsTestApp.token, "CARTLINE_OPS_PORT": "0"]).port == 0)
    }
}
