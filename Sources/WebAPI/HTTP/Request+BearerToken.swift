import HTTPTypes
import Hummingbird

extension Request {
    /// The token of `Authorization: Bearer <token>`, or nil.
    var bearerToken: String? {
        guard let header = headers[.authorization], header.hasPrefix("Bearer ") else { return nil }
        let token = String(header.dropFirst(7))
        return token.isEmpty ? nil : token
    }
}

extension Problem {
    /// 401 with the `WWW-Authenticate` challenge for `realm`.
    static func unauthorized(realm: String, needs what: String) -> Problem {
        var problem = Problem(.unauthorized, "unauthorized", title: "Unauthorized", detail: "this route needs \(what)")
        problem.headers[.wwwAuthenticate] = "Bearer realm=\"\(realm)\""
        return problem
    }
}
