import Domain

/// `PUT /v1/preferences`; also the shape `GET` answers (plus `source`). `country` (ISO
/// 3166-1 alpha-2) only says how to read a phone number written without its country code.
/// Empty strings count as absent, as a form with a blank field sends them.
struct PreferencesBody: Codable, Sendable {
    static let fields: Set<String> = ["mode", "phone", "sipUri", "consent", "quietHours", "timeZone", "country"]

    struct Window: Codable, Sendable {
        let start: String?
        let end: String?
    }

    /// Absent (or blank): implied by what is given — a phone number means `pstn`, else a SIP
    /// URI `voip`, else `browser` (the shopper talks from the page).
    let mode: String?
    let phone: String?
    let sipUri: String?
    let consent: Bool
    let quietHours: Window?
    let timeZone: String?
    let country: String?

    /// The validated preferences; Domain's rules give the messages.
    func preferences() throws(DomainError) -> ContactPreferences {
        let mode: ContactPreferences.Mode
        if let named = Self.given(self.mode) {
            guard let known = ContactPreferences.Mode(rawValue: named) else {
                throw .invalid("mode must be browser, voip or pstn, not '\(named.prefix(40))'")
            }
            mode = known
        } else {
            mode = .implied(phone: Self.given(phone), sipUri: Self.given(sipUri))
        }
        return try ContactPreferences(mode: mode, phone: Self.given(phone), sipUri: Self.given(sipUri), consent: consent,
                                      quietHours: try window(), timeZone: Self.given(timeZone), defaultRegion: Self.given(country))
    }

    /// Both ends or neither: a window with one end is refused, not dropped.
    func window() throws(DomainError) -> QuietHours? {
        switch (Self.given(quietHours?.start), Self.given(quietHours?.end)) {
        case (nil, nil): return nil
        case (let start?, let end?): return try QuietHours(start: start, end: end)
        default: throw .invalid("quiet hours need both a start and an end (e.g. 21:00 to 08:00)")
        }
    }

    /// The text, or nil when it is absent or blank.
    static func given(_ text: String?) -> String? {
        guard let text, !text.allSatisfy(\.isWhitespace) else { return nil }
        return text
    }
}

struct PreferencesView: Codable, Sendable {
    let mode: String
    let phone: String?
    let sipUri: String?
    let consent: Bool
    let quietHours: PreferencesBody.Window?
    let timeZone: String?
    /// Where the answer came from: `cookie` or `log`.
    let source: String

    init(_ preferences: ContactPreferences, source: String) {
        self.mode = preferences.mode.rawValue
        self.phone = preferences.phone
        self.sipUri = preferences.sipUri
        self.consent = preferences.consent
        self.quietHours = preferences.quietHours.map { PreferencesBody.Window(start: $0.start, end: $0.end) }
        self.timeZone = preferences.timeZone
        self.source = source
    }
}
