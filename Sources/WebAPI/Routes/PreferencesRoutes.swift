import Domain
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// `/v1/preferences`: how the shopper wants to be reached. The log is the record; the
/// encrypted `cartline_prefs` cookie is read first. A cookie that does not open
/// (tampered, truncated, another key, another shopper) is ignored, never trusted.
struct PreferencesRoutes {
    let services: WebServices

    func add(to table: inout RouteTable) {
        table.add(.get, "/v1/preferences") { request, context in
            let shopperId = try context.requireShopper()
            guard let (preferences, source) = try await services.lookUpPreferences(request, shopperId: shopperId) else {
                throw Problem(.notFound, "no-preferences", title: "No preferences yet", detail: "this shopper has not set communication preferences")
            }
            var response = try APIResponse.json(PreferencesView(preferences, source: source.rawValue))
            // Read from the log: give the browser its cookie back.
            if source == .log { response.cookies.append(try cookie(preferences, shopperId: shopperId, context: context)) }
            return response.response
        }
        table.add(.put, "/v1/preferences") { request, context in
            let shopperId = try context.requireShopper()
            let input = try await JSONBody.decode(PreferencesBody.self, from: request, limit: services.configuration.maxBodyBytes,
                                                  allowedFields: PreferencesBody.fields)
            let preferences = try input.preferences()
            _ = try await services.preferences.set(preferences, shopperId: shopperId, eventIDs: .random)
            var response = try APIResponse.json(PreferencesView(preferences, source: "log"))
            response.cookies.append(try cookie(preferences, shopperId: shopperId, context: context))
            return response.response
        }
    }

    func cookie(_ preferences: ContactPreferences, shopperId: UUID, context: ShopperRequestContext) throws -> Cookie {
        Cookie(name: PreferencesCookie.name, value: try services.preferencesCookie.value(for: preferences, shopperId: shopperId),
               maxAge: PreferencesCookie.maxAgeSeconds, path: "/", secure: context.isSecureTransport, httpOnly: true, sameSite: .lax)
    }
}

/// Where the server found a shopper's preferences.
enum PreferencesSource: String { case cookie, log }

extension WebServices {
    /// The shopper's preferences as the server acts on them: the cookie when it opens,
    /// else the log.
    func lookUpPreferences(_ request: Request, shopperId: UUID) async throws -> (ContactPreferences, PreferencesSource)? {
        if let value = request.cookies[PreferencesCookie.name]?.value,
           let preferences = preferencesCookie.preferences(from: value, shopperId: shopperId) {
            return (preferences, .cookie)
        }
        return try await preferences.current(shopperId: shopperId).map { ($0, .log) }
    }

    func currentPreferences(_ request: Request, shopperId: UUID) async throws -> ContactPreferences? {
        try await lookUpPreferences(request, shopperId: shopperId)?.0
    }
}
