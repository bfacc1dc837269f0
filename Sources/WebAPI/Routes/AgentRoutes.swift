import Domain
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// The agent console's API (`/v1/agent/…`, for the page at `/agent`): sign in with a
/// one-time code for a session cookie of the agent's own, list the merchant's calls (paged,
/// filtered), claim one, answer one in the browser (an agent who answers in the console),
/// record its outcome, sign out. The admin side (codes, revocation)
/// is `AgentAdminRoutes`.
struct AgentRoutes {
    static let defaultPageSize = 20
    static let maxPage = 10_000

    let services: WebServices
    private var console: AgentConsole { services.agentConsole }

    func add(to table: inout RouteTable) {
        AgentAdminRoutes(services: services).add(to: &table)
        table.add(.post, "/v1/agent/sign-in") { request, _ in
            let input = try await JSONBody.decode(AgentSignInBody.self, from: request, limit: AgentSignInBody.maxBytes,
                                                  allowedFields: AgentSignInBody.fields)
            guard (1...100).contains(input.agentName.count), (1...40).contains(input.merchantId.count) else {
                throw Problem.invalid("merchantId and agentName must be given (at most 40 and 100 characters)")
            }
            let merchantId = input.merchantId.trimmingCharacters(in: .whitespaces).lowercased()
            let signIn = try await mappingAgentAccess {
                try await console.access.redeem(merchantId: merchantId, agentName: input.agentName, typedCode: input.code)
            }
            let session = console.cookie.session(for: signIn)
            var response = try APIResponse.json(AgentSessionView(session))
            response.headers["Cache-Control"] = "no-store"
            response.cookies = [try console.setCookie(session, request: request)]
            return response.response
        }
        table.add(.post, "/v1/agent/sign-out") { request, _ in
            // Signing out always clears the cookie; a session still valid is refused from now on.
            if let session = try? await console.session(of: request) {
                try await console.access.signOut(merchantId: session.merchantId, agentName: session.agentName,
                                                 sessionId: session.sessionId, sessionExpiresAt: session.expiresAtDate)
            }
            var response = APIResponse(status: .noContent, headers: ["Cache-Control": "no-store"], body: Data())
            response.cookies = [console.clearCookie(request: request)]
            return response.response
        }
        table.add(.get, "/v1/agent/session") { request, _ in
            let session = try await console.session(of: request)
            var response = try APIResponse.json(AgentSessionView(session))
            response.headers["Cache-Control"] = "no-store"
            return response.response
        }
        table.add(.get, "/v1/agent/calls") { request, _ in
            let session = try await console.session(of: request)
            let query = request.uri.queryParameters
            let filter = try Self.filter(query.get("status").map { String($0) })
            let page = try Self.integer(query.get("page").map { String($0) }, name: "page", default: 1, range: 1...Self.maxPage)
            let pageSize = try Self.integer(query.get("pageSize").map { String($0) }, name: "pageSize", default: Self.defaultPageSize,
                                            range: 1...OfferService.maxAgentPageSize)
            let found = try await services.offers.agentCalls(merchantId: session.merchantId, filter: filter, page: page, pageSize: pageSize)
            let now = console.access.now()
            let list = AgentCallList(merchantId: session.merchantId, agentName: session.agentName, status: filter.rawValue, page: page,
                                     pageSize: pageSize, total: found.total, pageCount: max(1, (found.total + pageSize - 1) / pageSize),
                                     calls: found.entries.map { AgentCallView($0, now: now) })
            var response = try APIResponse.json(list)
            response.headers["Cache-Control"] = "no-store"
            return response.response
        }
        table.add(.post, "/v1/agent/calls/{callId}/claim") { request, context in
            let session = try await console.session(of: request)
            let callId = try context.uuidParameter("callId", what: "call")
            let work = try await services.offers.claim(callId: callId, merchantId: session.merchantId, agentName: session.agentName)
            return try APIResponse.json(AgentCallWorkView(callId: callId, work)).response
        }
        table.add(.post, "/v1/agent/calls/{callId}/voice") { request, context in
            let session = try await console.session(of: request)
            let callId = try context.uuidParameter("callId", what: "call")
            let credentials = try await services.offers.agentVoiceCredentials(callId, merchantId: session.merchantId,
                                                                              agentName: session.agentName)
            var response = try APIResponse.json(VoiceCredentialsView(credentials))
            response.headers["Cache-Control"] = "no-store"  // secrets of one call: no cache keeps them
            return response.response
        }
        table.add(.post, "/v1/agent/calls/{callId}/outcome") { request, context in
            let session = try await console.session(of: request)
            let callId = try context.uuidParameter("callId", what: "call")
            let input = try await JSONBody.decode(AgentOutcomeBody.self, from: request, limit: AgentOutcomeBody.maxBytes,
                                                  allowedFields: AgentOutcomeBody.fields)
            guard let outcome = CallOutcome(rawValue: input.outcome) else {
                throw Problem.invalid("outcome must be one of \(CallOutcome.allCases.map(\.rawValue).joined(separator: ", ")), not '\(input.outcome.prefix(40))'")
            }
            let work = try await services.offers.recordOutcome(callId: callId, merchantId: session.merchantId, agentName: session.agentName,
                                                               outcome: outcome, note: input.note)
            return try APIResponse.json(AgentCallWorkView(callId: callId, work)).response
        }
    }

    static func filter(_ text: String?) throws(Problem) -> AgentCallFilter {
        guard let text else { return .recent }
        guard let filter = AgentCallFilter(rawValue: text) else {
            throw .invalid("status must be live, recent or all, not '\(text.prefix(20))'")
        }
        return filter
    }

    static func integer(_ text: String?, name: String, default value: Int, range: ClosedRange<Int>) throws(Problem) -> Int {
        guard let text else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw .invalid("\(name) must be an integer \(range.lowerBound)…\(range.upperBound), not '\(text.prefix(20))'")
        }
        return number
    }
}
