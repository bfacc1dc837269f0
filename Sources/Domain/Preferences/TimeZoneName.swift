import Foundation

/// An IANA time zone, read from what a shopper types: the identifier itself in any case
/// ("europe/berlin" → "Europe/Berlin"), or its city ("Berlin", "new york", "São Paulo" →
/// "America/Sao_Paulo"), matched against the identifier's last part with spaces for
/// underscores and accents ignored. A text after a comma is tried without it ("Berlin,
/// Germany"). Where two zones share a city the choice is fixed (see `preferred`).
public struct TimeZoneName: Equatable, Sendable, CustomStringConvertible {
    /// Longer input is refused before it is read.
    public static let maxCharacters = 100
    /// The IANA identifier, as `TimeZone(identifier:)` accepts it: "Europe/Berlin".
    public let identifier: String

    public var description: String { identifier }

    public init(resolving text: String) throws(DomainError) {
        guard text.count <= Self.maxCharacters else {
            throw .invalid("a time zone has at most \(Self.maxCharacters) characters; choose a city such as Europe/Berlin")
        }
        let typed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !typed.isEmpty else { throw .invalid("choose your time zone, a city such as Europe/Berlin") }
        if let found = Self.catalog.byLowercasedIdentifier[typed.lowercased()] {
            identifier = found
        } else if Self.looksLikeIdentifier(typed), TimeZone(identifier: typed) != nil {
            // An alias this platform knows but does not list ("US/Eastern", "Etc/GMT+5").
            identifier = typed
        } else if let found = Self.catalog.byCity[Self.folded(typed)]
                    ?? typed.split(separator: ",").first.flatMap({ Self.catalog.byCity[Self.folded(String($0))] }) {
            identifier = found
        } else {
            throw .invalid("unknown time zone '\(typed)'; choose a city such as Europe/Berlin")
        }
    }

    /// `Area/Location` in IANA's characters, so offsets ("GMT+2") and abbreviations ("CEST")
    /// that `TimeZone(identifier:)` also takes are not stored as names.
    static func looksLikeIdentifier(_ text: String) -> Bool {
        text.contains("/") && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/_-+".contains($0)) }
    }

    /// Lower case, accents dropped, `_ - . '` as spaces or nothing, runs of spaces as one.
    static func folded(_ text: String) -> String {
        let plain = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "-", with: " ")
            .replacingOccurrences(of: ".", with: " ").replacingOccurrences(of: "'", with: "")
        return plain.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The platform's zones plus current names some platforms list only under an old one
    /// (Linux lists "Asia/Calcutta", not "Asia/Kolkata"); each is kept only if it opens.
    private static let extraIdentifiers = ["UTC", "Etc/UTC", "Asia/Kolkata", "America/Argentina/Buenos_Aires", "Europe/Kyiv",
                                           "Asia/Kathmandu", "Asia/Ho_Chi_Minh", "Asia/Yangon", "America/Nuuk", "Atlantic/Faroe"]

    /// Among zones sharing a city, the one the platform lists, then one in a continent or
    /// ocean area (not "US/…" or "Etc/…"), then the first in alphabetical order.
    static func preferred(_ a: String, _ b: String, listed: Set<String>) -> Bool {
        func rank(_ id: String) -> Int { (listed.contains(id) ? 0 : 2) + (areas.contains(id.split(separator: "/").first ?? "") ? 0 : 1) }
        return (rank(a), a) < (rank(b), b)
    }

    /// IANA's continent and ocean areas, where the city names are.
    private static let areas: Set<Substring> = ["Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe",
                                                "Indian", "Pacific"]

    private struct Catalog {
        var byLowercasedIdentifier: [String: String] = [:]
        var byCity: [String: String] = [:]
    }

    private static let catalog: Catalog = {
        let listed = Set(TimeZone.knownTimeZoneIdentifiers)
        let all = (listed.union(extraIdentifiers)).filter { TimeZone(identifier: $0) != nil }
            .sorted { preferred($0, $1, listed: listed) }
        var catalog = Catalog()
        // In preference order, so the first zone to claim a key keeps it.
        for id in all {
            if catalog.byLowercasedIdentifier[id.lowercased()] == nil { catalog.byLowercasedIdentifier[id.lowercased()] = id }
            // Cities only in continent and ocean areas: "GMT+2" must not find Etc/GMT+2 (which is UTC−2).
            guard let area = id.split(separator: "/").first, areas.contains(area), let city = id.split(separator: "/").last else { continue }
            let key = folded(String(city))
            if catalog.byCity[key] == nil { catalog.byCity[key] = id }
        }
        return catalog
    }()
}
