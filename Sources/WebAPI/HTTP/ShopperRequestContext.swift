import Foundation
import Hummingbird

/// Per-request state: the request id and, once the session middleware has run, the shopper.
public struct ShopperRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Echoed as `X-Request-ID` and logged with every line about the request.
    public var requestID: String = ""
    /// The shopper this request acts for (from a valid session cookie, or newly issued).
    public var shopperId: UUID?
    /// Whether the client reached us over TLS (directly or through a proxy): cookies get `Secure`.
    public var isSecureTransport = false

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }

    func requireShopper() throws -> UUID {
        guard let shopperId else { throw Problem(.unauthorized, "no-session", title: "No session", detail: "this request needs a shopper session") }
        return shopperId
    }
}
