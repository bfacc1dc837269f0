import Foundation
import HTTPTypes
import Hummingbird
import NIOFoundationEssentialsCompat

/// The storefront page and its script and style, read once at start from the public
/// folder: a fixed set of files, so no request path ever reaches the file system. Beside
/// them the browser gateway's library (`/vendor/janus.js`, Debian's libjs-janus-gateway):
/// served from here so that the page loads no code from a CDN.
struct StorefrontRoutes {
    static let files: [(path: String, file: String, contentType: String)] = [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/storefront.js", "storefront.js", "text/javascript; charset=utf-8"),
        ("/storefront.css", "storefront.css", "text/css; charset=utf-8"),
        ("/agent", "agent.html", "text/html; charset=utf-8"),
        ("/agent.js", "agent.js", "text/javascript; charset=utf-8"),
        ("/agent.css", "agent.css", "text/css; charset=utf-8"),
        ("/merchant", "merchant.html", "text/html; charset=utf-8"),
        ("/merchant.js", "merchant.js", "text/javascript; charset=utf-8"),
        ("/merchant.css", "merchant.css", "text/css; charset=utf-8"),
        ("/voice.js", "voice.js", "text/javascript; charset=utf-8"),
        // The click-to-call link's page: it asks, and only its button places the call (a POST).
        ("/v1/carts/{cartId}/call", "call.html", "text/html; charset=utf-8"),
        ("/call.js", "call.js", "text/javascript; charset=utf-8"),
        ("/widget.js", "widget.js", "text/javascript; charset=utf-8"),
    ]

    /// Where the page loads janus.js from.
    static let janusPath = "/vendor/janus.js"
    /// Names the janus.js file (the same variable `Tools/janus/run start` prints).
    static let janusFileVariable = "CARTLINE_JANUS_JS"
    /// Debian's `libjs-janus-gateway` puts it here.
    static let defaultJanusFile = "/usr/share/javascript/janus-gateway/janus.js"
    /// janus.js is ~120 kB; anything far larger is not it.
    static let maxJanusBytes = 2 * 1_024 * 1_024
    /// The gateway's WebSocket URL (as `Tools/janus/run start` prints it), which the page's
    /// `connect-src` must allow.
    static let websocketURLVariable = "CARTLINE_JANUS_WS_URL"
    static let maxWebsocketURLCharacters = 512

    let directory: URL
    /// Read for `CARTLINE_JANUS_JS` and `CARTLINE_JANUS_WS_URL`.
    var environment: [String: String] = ProcessInfo.processInfo.environment

    func add(to table: inout RouteTable) throws {
        let securityPolicy = Self.contentSecurityPolicy(gatewayWebsocketURL: environment[Self.websocketURLVariable])
        for entry in Self.files {
            let url = directory.appendingPathComponent(entry.file)
            guard let contents = FileManager.default.contents(atPath: url.path) else {
                throw ConfigurationError.invalid("storefront file \(url.path) is missing (set CARTLINE_PUBLIC_DIR to the Public folder)")
            }
            let contentType = entry.contentType
            table.add(.get, entry.path) { _, _ in
                var headers = HTTPFields()
                headers[.contentType] = contentType
                headers[.cacheControl] = "no-cache"
                headers[.contentSecurityPolicy] = securityPolicy
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: contents)))
            }
        }
        addJanusLibrary(to: &table)
    }

    /// Read once at start too; without the file (the package is not installed) the route
    /// answers a 503 problem that says how to get it, and everything else works.
    private func addJanusLibrary(to table: inout RouteTable) {
        let path = environment[Self.janusFileVariable].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultJanusFile
        let library: Data? = {
            guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int,
                  size <= Self.maxJanusBytes else { return nil }
            return FileManager.default.contents(atPath: path)
        }()
        table.add(.get, Self.janusPath) { _, _ in
            guard let library else {
                throw Problem(.serviceUnavailable, "voice-library-missing", title: "Voice in the browser is not installed",
                              detail: "janus.js is not at \(path) (install Debian's libjs-janus-gateway, or set \(Self.janusFileVariable) to the file)")
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/javascript; charset=utf-8"
            headers[.cacheControl] = "public, max-age=3600"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: library)))
        }
    }

    /// The pages' policy: everything from this origin, and the gateway's WebSocket besides
    /// (its origin only, and only when the URL is a plain ws:// or wss:// URL — anything that
    /// could smuggle another directive into the header is left out).
    static func contentSecurityPolicy(gatewayWebsocketURL: String?) -> String {
        var connect = "'self'"
        if let origin = gatewayWebsocketURL.flatMap(websocketOrigin) { connect += " " + origin }
        return "default-src 'self'; connect-src \(connect); img-src 'self' data:"
    }

    /// `ws://host:port` of a ws:// or wss:// URL, or nil when it is not one.
    static func websocketOrigin(_ text: String) -> String? {
        guard text.count <= maxWebsocketURLCharacters, let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), scheme == "ws" || scheme == "wss",
              let host = components.host, !host.isEmpty,
              host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") })
        else { return nil }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)"
    }
}
