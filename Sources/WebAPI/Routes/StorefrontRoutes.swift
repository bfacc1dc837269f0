import Foundation
import HTTPTypes
import Hummingbird
import NIOFoundationEssentialsCompat

/// The storefront page and its script and style, read once at start from the public
/// folder: a fixed set of files, so no request path ever reaches the file system.
struct StorefrontRoutes {
    static let files: [(path: String, file: String, contentType: String)] = [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/storefront.js", "storefront.js", "text/javascript; charset=utf-8"),
        ("/storefront.css", "storefront.css", "text/css; charset=utf-8"),
        ("/agent", "agent.html", "text/html; charset=utf-8"),
        ("/agent.js", "agent.js", "text/javascript; charset=utf-8"),
        ("/agent.css", "agent.css", "text/css; charset=utf-8"),
    ]

    let directory: URL

    func add(to table: inout RouteTable) throws {
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
                headers[.contentSecurityPolicy] = "default-src 'self'; connect-src 'self'; img-src 'self' data:"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: contents)))
            }
        }
    }
}
