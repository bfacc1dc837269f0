import Domain
import Foundation
import Testing

@Suite("Phone numbers: the ways people write them, read into E.164")
struct PhoneNumberTests {
    /// What a shopper types, the country it is read in (nil: none chosen), the E.164 result.
    static let valid: [(String, String?, String)] = [
        // Germany
        ("+49 30 123456", nil, "+4930123456"), ("004930123456", nil, "+4930123456"), ("030 123456", "DE", "+4930123456"),
        ("(030) 123-456", "DE", "+4930123456"), ("+49 (0)30 123456", nil, "+4930123456"), ("+49 030 123456", nil, "+4930123456"),
        ("+49/30/123456", nil, "+4930123456"), ("0151 2345 6789", "de", "+4915123456789"), ("+4930123456", nil, "+4930123456"),
        ("+49 30 123456", "FR", "+4930123456"),
        // United Kingdom
        ("+44 20 7946 0958", nil, "+442079460958"), ("020 7946 0958", "GB", "+442079460958"),
        ("+44 (0)20 7946 0958", nil, "+442079460958"), ("07700 900123", "GB", "+447700900123"),
        // France
        ("+33 1 23 45 67 89", nil, "+33123456789"), ("01 23 45 67 89", "FR", "+33123456789"), ("06.12.34.56.78", "FR", "+33612345678"),
        // United States and Canada
        ("+1 (415) 555-2671", nil, "+14155552671"), ("415-555-2671", "US", "+14155552671"), ("1 415 555 2671", "US", "+14155552671"),
        ("(415) 555-2671", "CA", "+14155552671"), ("011 49 30 123456", "US", "+4930123456"),
        // Switzerland
        ("+41 44 668 18 00", nil, "+41446681800"), ("044 668 18 00", "CH", "+41446681800"),
        // Italy keeps its leading 0, also from abroad
        ("+39 06 1234 5678", nil, "+390612345678"), ("06 1234 5678", "IT", "+390612345678"),
        ("+39 (0)6 1234 5678", nil, "+390612345678"), ("+39 312 345 6789", nil, "+393123456789"),
        // Austria
        ("+43 1 234567", nil, "+431234567"), ("01 234567", "AT", "+431234567"), ("0664 1234567", "AT", "+436641234567"),
        // Netherlands
        ("+31 20 123 4567", nil, "+31201234567"), ("020 123 4567", "NL", "+31201234567"), ("06 12345678", "NL", "+31612345678"),
        // Spain: no trunk prefix
        ("+34 912 345 678", nil, "+34912345678"), ("912 345 678", "ES", "+34912345678"),
        // India
        ("+91 98765 43210", nil, "+919876543210"), ("098765 43210", "IN", "+919876543210"), ("98765 43210", "IN", "+919876543210"),
        // Australia
        ("+61 2 9876 5432", nil, "+61298765432"), ("(02) 9876 5432", "AU", "+61298765432"), ("0412 345 678", "AU", "+61412345678"),
        // Japan
        ("+81 3-1234-5678", nil, "+81312345678"), ("03-1234-5678", "JP", "+81312345678"), ("090-1234-5678", "JP", "+819012345678"),
        // Russia's trunk 8, kept when the digits only fit with it; Hungary's trunk 06
        ("8 916 123-45-67", "RU", "+79161234567"), ("+7 916 123 45 67", nil, "+79161234567"), ("800 123 45 67", "RU", "+78001234567"),
        ("06 1 234 5678", "HU", "+3612345678"),
    ]

    @Test(arguments: valid)
    func writtenFormsAreReadIntoE164(text: String, region: String?, e164: String) throws {
        let number = try PhoneNumber(parsing: text, defaultRegion: region)
        #expect(number.e164 == e164)
        #expect("+" + number.countryCode + number.nationalNumber == e164)
        #expect(try PhoneNumber(parsing: number.e164, defaultRegion: nil) == number, "E.164 reads back as itself")
    }

    @Test func theCountryCodeAndNationalNumberAreSplit() throws {
        let berlin = try PhoneNumber(parsing: "030 123456", defaultRegion: "DE")
        #expect(berlin.countryCode == "49")
        #expect(berlin.nationalNumber == "30123456")
        let tuvalu = try PhoneNumber(parsing: "+688 20123", defaultRegion: nil)
        #expect(tuvalu.countryCode == "688")
    }

    /// What a shopper types, the country, and words the refusal must contain.
    static let invalid: [(String, String?, String)] = [
        ("+999999999999999", nil, "+999 is not a country calling code; start with + and your country code"),
        ("+0 30 123456", nil, "is not a country calling code"),
        ("+49 12", nil, "numbers in Germany have 5 to 13 digits after +49; this one has 2"),
        ("+49 30 123456789012345", nil, "this one has 17"),
        ("12345", nil, "write your number with its country code (e.g. +49 30 123456), or choose your country"),
        ("030 123456", nil, "or choose your country"),
        ("+49 30 12345a", nil, "remove 'a'"),
        ("+49 30 123456 ext 7", nil, "remove 'e'"),
        ("49+30123456", nil, "put + only at the start"),
        ("+49 30\u{0} 123456", nil, "remove the hidden character"),
        ("+49 30 123456 ☎", nil, "remove '☎'"),
        (String(repeating: "1", count: 41), "DE", "at most 40 characters"),
        ("", "DE", "write your phone number"),
        ("+", nil, "write your phone number"),
        ("+33 1 23 45 678", nil, "numbers in France have 9 digits after +33; this one has 8"),
        ("+44 20 7946", nil, "numbers in the United Kingdom have 9 to 10 digits after +44"),
        ("044 668 18 0", "CH", "numbers in Switzerland have 9 digits after +41; this one has 8"),
        ("0044 668 18 0", "CH", "numbers in the United Kingdom"),
        ("+1 (015) 555-2671", nil, "neither starting with 0 or 1"),
        ("415 155 2671", "US", "neither starting with 0 or 1"),
        ("555-2671", "US", "numbers in North America have 10 digits after +1; this one has 7"),
        ("+39 06", nil, "numbers in Italy have 6 to 12 digits"),
        ("98765 4321", "IN", "numbers in India have 10 digits after +91; this one has 9"),
        ("030 123456", "XX", "'XX' is not a country we can read numbers for"),
        ("030 123456", "Germany", "country must be a two-letter code such as DE"),
    ]

    @Test(arguments: invalid)
    func badNumbersAreRefusedWithWhatToDo(text: String, region: String?, message: String) {
        #expect {
            try PhoneNumber(parsing: text, defaultRegion: region)
        } throws: { error in
            guard let error = error as? DomainError, case .invalid(let reason) = error else { return false }
            return reason.contains(message)
        }
    }

    @Test func theNumberingPlanCoversEveryAssignedCodeAndNoOther() {
        let codes = NumberingPlan.callingCodes
        #expect(codes.count > 200)
        #expect(Set(codes.map(\.code)).count == codes.count, "each code once")
        for code in codes {
            #expect((1...3).contains(code.code.count) && code.code.first != "0")
            #expect(code.code.count + code.nationalDigits.upperBound <= 15, "+\(code.code) fits E.164's 15 digits")
            #expect(code.nationalDigits.lowerBound >= 4)
            // Prefix-free: no assigned code starts another.
            #expect(!codes.contains { $0.code != code.code && $0.code.hasPrefix(code.code) }, "+\(code.code) is a prefix")
        }
        for unassigned in ["0", "28", "42", "999", "259", "388", "801"] { #expect(NumberingPlan.callingCode(unassigned) == nil) }
        for (region, code) in [("DE", "49"), ("GB", "44"), ("US", "1"), ("CA", "1"), ("RU", "7"), ("KZ", "7"), ("VA", "39"),
                               ("AX", "358"), ("HK", "852"), ("AE", "971"), ("ZA", "27"), ("BR", "55"), ("MX", "52")] {
            #expect(NumberingPlan.callingCode(region: region)?.code == code)
        }
        #expect(NumberingPlan.callingCode(region: "IT")?.trunkPrefix == nil)
        #expect(NumberingPlan.callingCode(region: "US")?.trunkPrefix == "1")
        #expect(NumberingPlan.callingCode(region: "RU")?.trunkPrefix == "8")
        #expect(NumberingPlan.callingCode(region: "FR")?.trunkPrefix == "0")
        #expect(NumberingPlan.callingCode(region: "US")?.nationalDigits == 10...10)
    }

    @Test func aPhoneNumberEncodesAsItsE164TextAndDecodingChecksIt() throws {
        let number = try PhoneNumber(parsing: "+49 30 123456", defaultRegion: nil)
        let data = try JSONEncoder().encode([number])
        #expect(String(decoding: data, as: UTF8.self) == #"["+4930123456"]"#)
        #expect(try JSONDecoder().decode([PhoneNumber].self, from: data) == [number])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([PhoneNumber].self, from: Data(#"["+999999"]"#.utf8)) }
    }
}
