import Crypto
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// `Idempotency-Key` on a POST: the first response is stored and replayed to retries, and
/// the work's event ids derive from the key, so even a retry racing the first attempt
/// appends nothing twice. The same key with another request body is 422. A key still
/// claimed is 409 until its lease runs out (the first request died): then a retry takes it.
struct IdempotentRequests: Sendable {
    let store: IdempotencyStore

    func run(_ request: Request, scope: String, body: Data, _ work: (EventIDs) async throws -> APIResponse) async throws -> APIResponse {
        guard let key = request.headers[.idempotencyKey] else { return try await work(.random) }
        guard (1...IdempotencyStore.maxKeyLength).contains(key.count),
              key.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw Problem.badRequest("Idempotency-Key must be 1…\(IdempotencyStore.maxKeyLength) printable ASCII characters")
        }
        var hasher = SHA256()
        hasher.update(data: Data("\(request.method) \(request.uri.path)\n".utf8))
        hasher.update(data: Self.canonical(body))
        let requestHash = Data(hasher.finalize())
        switch try await store.claim(scope: scope, key: key, requestHash: requestHash) {
        case .claimed:
            let response: APIResponse
            do {
                response = try await work(.derived(from: "\(scope)|\(key)"))
            } catch {
                try? await store.release(scope: scope, key: key)
                throw error
            }
            if (200..<300).contains(response.status.code) {
                try await store.complete(scope: scope, key: key, response: StoredResponse(status: response.status.code, headers: response.headers, body: response.body))
            } else {
                try? await store.release(scope: scope, key: key)
            }
            return response
        case .replay(let stored):
            var headers = stored.headers
            headers["Idempotent-Replayed"] = "true"
            return APIResponse(status: .init(code: stored.status), headers: headers, body: stored.body)
        case .mismatch:
            throw Problem(.unprocessableContent, "idempotency-key-reused", title: "Idempotency-Key reused",
                          detail: "this Idempotency-Key was used with a different request; use a new key for a new request")
        case .inProgress:
            var problem = Problem(.conflict, "idempotency-key-in-progress", title: "Request in progress",
                                  detail: "the first request with this Idempotency-Key is still running; retry shortly")
            problem.headers[.retryAfter] = "1"
            throw problem
        }
    }

    /// The same JSON with keys sorted, so a retry that serialises its object in another key
    /// order (as clients' dictionaries do) is still the same request.
    static func canonical(_ body: Data) -> Data {
        guard !body.isEmpty, let value = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]),
              let sorted = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]) else { return body }
        return sorted
    }
}
