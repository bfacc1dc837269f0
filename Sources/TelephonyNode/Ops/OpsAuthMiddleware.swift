import Hummingbird

/// Lets through only requests with `Authorization: Bearer <the ops token>`; the token is
/// compared in constant time (the loop depends only on what the client sent).
struct OpsAuthMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let token: [UInt8]

    init(token: String) {
        self.token = Array(token.utf8)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let presented = Self.bearerToken(request.headers[.authorization]), Self.same(presented, token) else {
            throw OpsProblem.unauthorized
        }
        return try await next(request, context)
    }

    /// The token of `Bearer <token>` (the scheme is case-insensitive, RFC 9110 §11.1), or nil.
    static func bearerToken(_ header: String?) -> [UInt8]? {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return nil }
        return Array(header.dropFirst(7).utf8)
    }

    /// Equal bytes, without an early exit that would leak a matching prefix through timing.
    /// `expected` is never empty (the configuration demands 16+ characters).
    static func same(_ presented: [UInt8], _ expected: [UInt8]) -> Bool {
        guard !expected.isEmpty else { return false }
        var difference: UInt8 = presented.count == expected.count ? 0 : 1
        for index in presented.indices {
            difference |= presented[index] ^ expected[index % expected.count]
        }
        return difference == 0
    }
}
