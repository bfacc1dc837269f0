/// Header-name normalisation: compact forms (RFC 3261 §7.3.3 and extensions) become long names,
/// and well-known names get their usual spelling so lookups and output are uniform.
public enum SIPHeaderName {
    /// The canonical spelling of `name`; unknown names are returned unchanged.
    public static func canonical(_ name: String) -> String {
        if let known = table[name] { return known }
        return table[name.lowercased()] ?? name
    }

    /// Headers whose values are comma-separated lists (RFC 3261 §7.3.1), split by the parser.
    /// Authentication headers are not lists: their parameters are comma-separated.
    static func isList(_ canonicalName: String) -> Bool { lists.contains(canonicalName) }

    private static let lists: Set<String> = [
        "Via", "Route", "Record-Route", "Contact", "Allow", "Supported", "Require", "Proxy-Require",
        "Unsupported", "Accept", "Accept-Encoding", "Accept-Language", "Content-Encoding", "Allow-Events",
        "Path", "Service-Route",
    ]

    private static let table: [String: String] = {
        var table: [String: String] = [
            "v": "Via", "f": "From", "t": "To", "i": "Call-ID", "m": "Contact", "l": "Content-Length",
            "c": "Content-Type", "k": "Supported", "s": "Subject", "e": "Content-Encoding", "o": "Event",
            "r": "Refer-To", "b": "Referred-By", "u": "Allow-Events", "x": "Session-Expires",
            "a": "Accept-Contact", "j": "Reject-Contact", "d": "Request-Disposition", "y": "Identity",
            "n": "Identity-Info",
        ]
        let longNames = [
            "Via", "From", "To", "Call-ID", "CSeq", "Contact", "Content-Length", "Content-Type", "Supported",
            "Subject", "Content-Encoding", "Event", "Refer-To", "Referred-By", "Allow-Events", "Session-Expires",
            "Max-Forwards", "Route", "Record-Route", "Allow", "Require", "Proxy-Require", "Unsupported", "Accept",
            "Accept-Encoding", "Accept-Language", "User-Agent", "Server", "Expires", "WWW-Authenticate",
            "Proxy-Authenticate", "Authorization", "Proxy-Authorization", "Reason", "Retry-After", "Warning",
            "Date", "Timestamp", "Organization", "Priority", "P-Asserted-Identity", "Privacy", "Min-Expires",
            "Path", "Service-Route", "Accept-Contact", "Reject-Contact", "Request-Disposition", "Identity",
            "Identity-Info",
        ]
        for name in longNames { table[name.lowercased()] = name }
        return table
    }()
}
