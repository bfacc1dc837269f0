import Domain
import Foundation
import HTTPTypes
import Hummingbird

extension Problem {
    /// 401 for the merchant console: the detail is what the user reads beside the sign-in form.
    static func merchantSignIn(_ slug: String, _ detail: String) -> Problem {
        var problem = Problem(.unauthorized, slug, title: "Sign-in needed", detail: detail)
        problem.headers[.wwwAuthenticate] = "Cookie realm=\"cartline-merchant\""
        return problem
    }

    /// The answer for a refused invitation, sign-in or user change.
    static func from(_ error: MerchantUserError, now: Date = Date()) -> Problem {
        switch error {
        case .invalidLogin, .weakPassword: return .invalid(error.description)
        case .unknownUser: return .notFound(error.description)
        case .tooManyUsers: return .conflict(error.description)
        case .wrongCredentials: return merchantSignIn("wrong-credentials", error.description)
        case .wrongCode: return merchantSignIn("wrong-code", error.description)
        case .codeExpired: return merchantSignIn("code-expired", error.description)
        case .codeUsed: return merchantSignIn("code-used", error.description)
        case .revoked: return merchantSignIn("sign-in-revoked", error.description)
        case .signedOut: return merchantSignIn("signed-out", error.description)
        case .notOwner: return Problem(.forbidden, "owner-only", title: "Only an owner may do this", detail: error.description)
        case .busy: return .unavailable(error.description)
        case .lockedOut(let until):
            var problem = Problem(.tooManyRequests, "too-many-attempts", title: "Too many failed attempts", detail: error.description)
            problem.headers[.retryAfter] = String(max(1, Int(until.timeIntervalSince(now).rounded(.up))))
            return problem
        }
    }
}

/// Runs `body`, answering a `MerchantUserError` as its problem (`now` dates Retry-After).
func mappingMerchantUser<T>(now: Date, _ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let error as MerchantUserError { throw Problem.from(error, now: now) }
}
