import Domain
import Foundation
import Testing

@Suite("Time zones: an IANA identifier or a city, read into the identifier")
struct TimeZoneNameTests {
    @Test(arguments: [
        ("Europe/Berlin", "Europe/Berlin"), ("europe/berlin", "Europe/Berlin"), ("  Europe/Berlin ", "Europe/Berlin"),
        ("Berlin", "Europe/Berlin"), ("berlin", "Europe/Berlin"), ("Berlin, Germany", "Europe/Berlin"),
        ("new york", "America/New_York"), ("New_York", "America/New_York"), ("NEW YORK", "America/New_York"),
        ("São Paulo", "America/Sao_Paulo"), ("sao paulo", "America/Sao_Paulo"), ("Zürich", "Europe/Zurich"),
        ("Tokyo", "Asia/Tokyo"), ("los angeles", "America/Los_Angeles"), ("Port-au-Prince", "America/Port-au-Prince"),
        ("port au prince", "America/Port-au-Prince"), ("Kolkata", "Asia/Kolkata"), ("UTC", "UTC"), ("utc", "UTC"),
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"), ("Buenos Aires", "America/Argentina/Buenos_Aires"),
    ])
    func typedNamesResolveToIANAIdentifiers(typed: String, identifier: String) throws {
        let zone = try TimeZoneName(resolving: typed)
        #expect(zone.identifier == identifier)
        #expect(TimeZone(identifier: zone.identifier) != nil, "the stored name opens as a TimeZone")
    }

    @Test func everyResolvedNameOpensAndResolvesToItself() throws {
        for identifier in TimeZone.knownTimeZoneIdentifiers.prefix(1_000) {
            let zone = try TimeZoneName(resolving: identifier)
            #expect(zone.identifier == identifier)
        }
    }

    @Test(arguments: ["Mars/Olympus", "Atlantis", "GMT+2", "CEST", "Europe/", "../etc/passwd"])
    func unknownNamesAreRefusedWithAnExample(typed: String) {
        #expect(throws: DomainError.invalid("unknown time zone '\(typed)'; choose a city such as Europe/Berlin")) {
            try TimeZoneName(resolving: typed)
        }
    }

    @Test func blankAndOverlongNamesAreRefused() {
        #expect(throws: DomainError.self) { try TimeZoneName(resolving: "  ") }
        #expect(throws: DomainError.self) { try TimeZoneName(resolving: String(repeating: "a", count: 101)) }
    }
}
