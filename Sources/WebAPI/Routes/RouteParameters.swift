import Foundation
import HTTPTypes
import Hummingbird

extension ShopperRequestContext {
    /// A path id that is not a UUID names nothing: 404, like a missing one.
    func uuidParameter(_ name: String, what: String) throws -> UUID {
        guard let text = parameters.get(name), let id = UUID(uuidString: text) else { throw Problem.notFound("no such \(what)") }
        return id
    }

    func stringParameter(_ name: String) throws -> String {
        guard let text = parameters.get(name), !text.isEmpty else { throw Problem.notFound("no such resource") }
        return text.removingPercentEncoding ?? text
    }
}
