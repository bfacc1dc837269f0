import Foundation

/// How a shopper wants to be reached, validated. The phone number is plain here (E.164 text)
/// and is sealed (encrypted) by the edge before it reaches an event.
public struct ContactPreferences: Equatable, Sendable, Codable {
    /// `pstn`: the shopper's phone number; `voip`: the shopper's SIP URI; `browser`: the
    /// storefront page itself, through the WebRTC gateway (no number, no URI).
    public enum Mode: String, Codable, Sendable, CaseIterable {
        case voip, pstn, browser

        /// The mode a shopper means who did not name one: the number when given, else the
        /// SIP URI, else the page (issue 12: consent alone means "talk to me here").
        public static func implied(phone: String?, sipUri: String?) -> Mode {
            if phone != nil { return .pstn }
            if sipUri != nil { return .voip }
            return .browser
        }
    }

    public let mode: Mode
    public let phone: String?
    public let sipUri: String?
    public let consent: Bool
    public let quietHours: QuietHours?
    public let timeZone: String?

    /// Validates and normalises: the phone is read as a `PhoneNumber` (national forms need
    /// `defaultRegion`, ISO 3166-1 alpha-2) and kept as its E.164 text; the time zone is read
    /// as a `TimeZoneName` and kept as its IANA identifier; quiet hours need a time zone.
    public init(mode: Mode, phone: String?, sipUri: String?, consent: Bool, quietHours: QuietHours?, timeZone: String?,
                defaultRegion: String? = nil) throws(DomainError) {
        if let defaultRegion { _ = try NumberingPlan.callingCode(checkingRegion: defaultRegion) }
        let number = try phone.map { (text) throws(DomainError) in try PhoneNumber(parsing: text, defaultRegion: defaultRegion) }
        if let sipUri, !Self.isSIPURI(sipUri) { throw .invalid("sipUri must look like sip:user@host") }
        if mode == .pstn && number == nil { throw .invalid("mode pstn needs a phone number") }
        if mode == .voip && sipUri == nil { throw .invalid("mode voip needs a sipUri") }
        let zone = try timeZone.map { (text) throws(DomainError) in try TimeZoneName(resolving: text) }
        if quietHours != nil && zone == nil {
            throw .invalid("quiet hours need your time zone; choose a city such as Europe/Berlin")
        }
        self.mode = mode
        self.phone = number?.e164
        self.sipUri = sipUri
        self.consent = consent
        self.quietHours = quietHours
        self.timeZone = zone?.identifier
    }

    /// Preferences as they were recorded, unchecked: rules tightened since (a number plan,
    /// quiet hours needing a zone) must not make a shopper's stored choices disappear, and an
    /// erased phone leaves a `pstn` preference without a number (no call can be placed: the
    /// decision says why). Only for reading what the log or a cookie holds.
    public init(restoring mode: Mode, phone: String?, sipUri: String?, consent: Bool, quietHours: QuietHours?, timeZone: String?) {
        self.mode = mode
        self.phone = phone
        self.sipUri = sipUri
        self.consent = consent
        self.quietHours = quietHours
        self.timeZone = timeZone
    }

    /// The phone number, read again from its E.164 text.
    public var phoneNumber: PhoneNumber? { phone.flatMap { try? PhoneNumber(parsing: $0, defaultRegion: nil) } }

    /// Where a call to this shopper goes: the number for PSTN, the SIP URI for VoIP; nil for
    /// the browser (its destination names the call, not the shopper: `BrowserLeg`).
    public var destination: String? {
        switch mode {
        case .pstn: phone
        case .voip: sipUri
        case .browser: nil
        }
    }

    /// `sip:` or `sips:`, a user part, `@`, a host; no spaces or controls; bounded.
    static func isSIPURI(_ text: String) -> Bool {
        guard text.count <= 256, text.hasPrefix("sip:") || text.hasPrefix("sips:") else { return false }
        let rest = text.drop { $0 != ":" }.dropFirst()
        let parts = rest.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && rest.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F }
    }
}
