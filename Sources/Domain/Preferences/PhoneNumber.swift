import Foundation

/// A phone number as people write it, read into E.164 (`+4930123456`) and checked against
/// the `NumberingPlan`: a known country calling code and a plausible number of digits.
///
/// Accepted forms: `+49 30 123456`, `0049 30 123456`, `011 49 …` (from North America),
/// `+49 (0)30 123456` (the bracketed trunk zero is dropped), and, with a region to read it in,
/// national numbers such as `030 123456` (DE) or `(415) 555-2671` (US). Spaces, dashes, dots,
/// slashes and brackets are ignored. Encoded as its E.164 text, so stored events and cookies
/// carry the same string as before.
public struct PhoneNumber: Equatable, Sendable, Codable, CustomStringConvertible {
    /// Longer input is refused before it is read.
    public static let maxCharacters = 40
    /// `+`, the country code, the national significant number: `+4930123456`.
    public let e164: String
    /// The country calling code's digits: "49".
    public let countryCode: String
    /// The digits after the country code: "30123456".
    public let nationalNumber: String

    public var description: String { e164 }

    /// Reads `text`; `defaultRegion` (ISO 3166-1 alpha-2, e.g. "DE") says how to read a number
    /// written without its country code, and may be nil when there is none to go by.
    public init(parsing text: String, defaultRegion: String?) throws(DomainError) {
        guard text.count <= Self.maxCharacters else {
            throw .invalid("a phone number has at most \(Self.maxCharacters) characters; this one has \(text.count)")
        }
        let written = try Written(text)
        if written.digits.isEmpty { throw .invalid("write your phone number with its country code, e.g. +49 30 123456") }

        let home = try defaultRegion.map { (region) throws(DomainError) in try NumberingPlan.callingCode(checkingRegion: region) }
        var digits = written.digits
        if let prefixLength = Self.internationalPrefixLength(of: digits, hasPlus: written.hasPlus, home: home) {
            var plan = try Self.callingCode(startOf: digits.dropFirst(prefixLength))
            if let at = written.bracketedZeroAt, !(at == prefixLength + plan.code.count && plan.trunkPrefix == "0") {
                // Not a trunk zero to drop: "+39 (0)6 …" keeps it, as Italy dials the 0 from abroad too.
                digits.insert("0", at: digits.index(digits.startIndex, offsetBy: min(at, digits.count)))
                plan = try Self.callingCode(startOf: digits.dropFirst(prefixLength))
            }
            var national = digits.dropFirst(prefixLength + plan.code.count)
            if plan.trunkPrefix == "0", national.hasPrefix("0") {
                // "+49 030 …": the trunk zero was kept by mistake; no number under such a code starts with 0.
                national = national.dropFirst()
            }
            try self.init(plan: plan, national: String(national))
        } else {
            guard let home else {
                throw .invalid("write your number with its country code (e.g. +49 30 123456), or choose your country")
            }
            // "(0)30 123456" in a national number is just its trunk zero.
            if let at = written.bracketedZeroAt { digits.insert("0", at: digits.index(digits.startIndex, offsetBy: min(at, digits.count))) }
            try self.init(plan: home, national: Self.droppingTrunkPrefix(digits, plan: home))
        }
    }

    /// How many leading digits are an international call prefix (`00`, or `011` from North
    /// America; 0 after `+`), or nil for a national number.
    private static func internationalPrefixLength(of digits: String, hasPlus: Bool, home: NumberingPlan.CallingCode?) -> Int? {
        if hasPlus { return 0 }
        if digits.hasPrefix("00") { return 2 }
        if home?.code == "1", digits.hasPrefix("011") { return 3 }
        return nil
    }

    private static func callingCode(startOf digits: Substring) throws(DomainError) -> NumberingPlan.CallingCode {
        guard let plan = NumberingPlan.callingCode(startOf: digits) else {
            let shown = digits.isEmpty ? "+" : "+\(digits.prefix(3))"
            throw .invalid("\(shown) is not a country calling code; start with + and your country code, e.g. +49 30 123456")
        }
        return plan
    }

    private init(plan: NumberingPlan.CallingCode, national: String) throws(DomainError) {
        let range = plan.nationalDigits
        guard range.contains(national.count) else {
            let expected = range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
            throw .invalid("numbers in \(plan.place) have \(expected) digits after +\(plan.code); this one has \(national.count)")
        }
        if plan.code == "1" {
            // NANP: a 3-digit area code and a 3-digit exchange, neither starting with 0 or 1.
            let digits = Array(national)
            guard digits[0] >= "2", digits[3] >= "2" else {
                throw .invalid("a North American number is a 3-digit area code and a 7-digit number, "
                    + "neither starting with 0 or 1, e.g. +1 415 555 2671")
            }
        }
        self.countryCode = plan.code
        self.nationalNumber = national
        self.e164 = "+" + plan.code + national
    }

    /// The national form without its trunk prefix ("030 123456" → "30123456"). A trunk "0" is
    /// always dropped (no number under it starts with 0); another ("8" in Russia) is kept when
    /// only the digits with it have a valid length: Russia's "800 …" is not "8" + "00 …".
    private static func droppingTrunkPrefix(_ digits: String, plan: NumberingPlan.CallingCode) -> String {
        guard let trunk = plan.trunkPrefix, digits.hasPrefix(trunk) else { return digits }
        let stripped = String(digits.dropFirst(trunk.count))
        if trunk != "0", !plan.nationalDigits.contains(stripped.count), plan.nationalDigits.contains(digits.count) { return digits }
        return stripped
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text, defaultRegion: nil) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(e164)
    }
}

extension PhoneNumber {
    /// The digits of what was typed, with what the separators told.
    private struct Written {
        var digits = ""
        var hasPlus = false
        /// Where a "(0)" stood, counted in digits before it; the zero itself is not in `digits`.
        var bracketedZeroAt: Int?

        static let separators: Set<Character> = ["-", "\u{2010}", "\u{2011}", "\u{2013}", "\u{2014}", ".", "/", "(", ")", "[", "]"]

        init(_ text: String) throws(DomainError) {
            let characters = Array(text.trimmingCharacters(in: .whitespacesAndNewlines))
            var index = 0
            while index < characters.count {
                let character = characters[index]
                if character == "(", index + 2 < characters.count, characters[index + 1] == "0", characters[index + 2] == ")",
                   bracketedZeroAt == nil {
                    bracketedZeroAt = digits.count
                    index += 3
                    continue
                }
                if character.isASCII, character.isNumber {
                    digits.append(character)
                } else if character == "+" {
                    guard index == 0 else { throw .invalid("put + only at the start, before the country code, e.g. +49 30 123456") }
                    hasPlus = true
                } else if !(character.isWhitespace || Self.separators.contains(character)) {
                    let shown = character.isLetter || character.isPunctuation || character.isSymbol ? "'\(character)'" : "the hidden character"
                    throw .invalid("a phone number holds only digits, spaces and + - . / ( ); remove \(shown)")
                }
                index += 1
            }
        }
    }
}
