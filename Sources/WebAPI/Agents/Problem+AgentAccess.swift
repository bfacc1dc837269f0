import Domain
import HTTPTypes
import Hummingbird

extension Problem {
    /// 401 for the console: the detail is what the agent reads beside the sign-in form.
    static func agentSignIn(_ slug: String, _ detail: String) -> Problem {
        var problem = Problem(.unauthorized, slug, title: "Sign-in needed", detail: detail)
        problem.headers[.wwwAuthenticate] = "Cookie realm=\"cartline-agent\""
        return problem
    }

    /// The answer for a refused sign-in or code request.
    static func from(_ error: AgentAccessError) -> Problem {
        switch error {
        case .unknownMerchant, .unknownAgent: Problem(.notFound, "unknown-agent", title: "No such agent", detail: error.description)
        case .wrongCode: agentSignIn("wrong-code", error.description)
        case .codeExpired: agentSignIn("code-expired", error.description)
        case .codeUsed: agentSignIn("code-used", error.description)
        case .tooManyAttempts: agentSignIn("too-many-attempts", error.description)
        case .revoked: agentSignIn("sign-in-revoked", error.description)
        case .signedOut: agentSignIn("signed-out", error.description)
        }
    }
}

/// Runs `body`, answering an `AgentAccessError` as its problem.
func mappingAgentAccess<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let error as AgentAccessError { throw Problem.from(error) }
}
