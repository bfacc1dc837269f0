import Domain

/// `PUT /v1/preferences`; also the shape `GET` answers (plus `source`).
struct PreferencesBody: Codable, Sendable {
    static let fields: Set<String> = ["mode", "phone", "sipUri", "consent", "quietHours", "timeZone"]

    struct Window: Codable, Sendable {
        let start: String
        let end: String
    }

    let mode: String
    let phone: String?
    let sipUri: String?
    let consent: Bool
    let quietHours: Window?
    let timeZone: String?

    /// The validated preferences; Domain's rules give the messages.
    func preferences() throws(DomainError) -> ContactPreferences {
        guard let mode = ContactPreferences.Mode(rawValue: mode) else { throw .invalid("mode must be voip or pstn, not '\(mode)'") }
        let window = try quietHours.map { (window) throws(DomainError) in try QuietHours(start: window.start, end: window.end) }
        return try ContactPreferences(mode: mode, phone: phone, sipUri: sipUri, consent: consent, quietHours: window, timeZone: timeZone)
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
