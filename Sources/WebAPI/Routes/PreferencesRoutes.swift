import Domain
import Engine
import Foundation
import HTTPTypes
import Hummingbird

/// `/v1/preferences`: how the shopper wants to be reached. The log is the record; the
/// encrypted `cartline_prefs` cookie is a cache of it, used only while the shopper's stream
/// is at the version the cookie was issued at. A cookie that does not open (tampered,
/// truncated, another key, another shopper) or is stale is ignored, never trusted.
struct PreferencesRoutes {
    let services: WebServices

    func add(to table: inout RouteTable) {
        table.add(.get, "/v1/preferences") { request, context in
            let shopperId = try context.requireShopper()
            guard let (preferences, source, version) = try await services.lookUpPreferences(request, shopperId: shopperId) else {
                throw Problem(.notFound, "no-preferences", title: "No preferences yet", detail: "this shopper has not set communication preferences")
            }
            var response = try APIResponse.json(PreferencesView(preferences, source: source.rawValue))
            // Read from the log: give the browser its cookie back.
            if source == .log { response.cookies.append(try cookie(preferences, shopperId: shopperId, version: version, context: context)) }
            return response.response
        }
        table.add(.put, "/v1/preferences") { request, context in
            let shopperId = try context.requireShopper()
            let input = try await JSONBody.decode(PreferencesBody.self, from: request, limit: services.configuration.maxBodyBytes,
                                                  allowedFields: PreferencesBody.fields)
            let preferences = try input.preferences()
            let written = try await services.preferences.set(preferences, shopperId: shopperId, eventIDs: .random)
            var response = try APIResponse.json(PreferencesView(preferences, source: "log"))
            response.cookies.append(try cookie(preferences, shopperId: shopperId, version: written.version, context: context))
            return response.response
        }
    }

    func cookie(_ preferences: ContactPreferences, shopperId: UUID, version: Int64, context: ShopperRequestContext) throws -> Cookie {
        Cookie(name: PreferencesCookie.name, value: try services.preferencesCookie.value(for: preferences, shopperId: shopperId, version: version),
               maxAge: PreferencesCookie.maxAgeSeconds, path: "/", secure: context.isSecureTransport, httpOnly: true, sameSite: .lax)
    }
}

/// Where the server found a shopper's preferences.
enum PreferencesSource: String { case cookie, log }

extension WebServices {
    /// The shopper's preferences as the server acts on them, with the shopper stream's
    /// version. The log decides: the cookie is used only when it was issued at the stream's
    /// current version (it then saves unsealing the phone); once anything was appended since
    /// — consent withdrawn, new preferences — a stale cookie cannot override it (issue 14).
    func lookUpPreferences(_ request: Request, shopperId: UUID) async throws -> (ContactPreferences, PreferencesSource, version: Int64)? {
        // One read of the stream's tail: the aggregate store caches the state before it.
        let shopper = try await store.load(ShopperAggregate.self, .shopper(shopperId))
        guard shopper.state.preferences != nil else { return nil }  // none in the log: a cookie cannot bring them back
        if let value = request.cookies[PreferencesCookie.name]?.value,
           let cached = preferencesCookie.preferences(from: value, shopperId: shopperId), cached.version == shopper.version {
            return (cached.preferences, .cookie, shopper.version)
        }
        // Should the stream move on between the two reads, the cookie issued from this answer
        // carries the older version and is merely not used next time.
        return try await preferences.current(shopperId: shopperId).map { ($0, .log, shopper.version) }
    }

    func currentPreferences(_ request: Request, shopperId: UUID) async throws -> ContactPreferences? {
        try await lookUpPreferences(request, shopperId: shopperId)?.0
    }
}
