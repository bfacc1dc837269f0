import Foundation

/// How a shopper wants to be reached, validated. The phone number is plain here and is
/// sealed (encrypted) by the edge before it reaches an event.
public struct ContactPreferences: Equatable, Sendable, Codable {
    public enum Mode: String, Codable, Sendable, CaseIterable { case voip, pstn }

    public let mode: Mode
    public let phone: String?
    public let sipUri: String?
    public let consent: Bool
    public let quietHours: QuietHours?
    public let timeZone: String?

    public init(mode: Mode, phone: String?, sipUri: String?, consent: Bool, quietHours: QuietHours?, timeZone: String?) throws(DomainError) {
        if let phone, !Self.isE164(phone) { throw .invalid("phone must be an E.164 number such as +4930123456") }
        if let sipUri, !Self.isSIPURI(sipUri) { throw .invalid("sipUri must look like sip:user@host") }
        if mode == .pstn && phone == nil { throw .invalid("mode pstn needs a phone number") }
        if mode == .voip && sipUri == nil { throw .invalid("mode voip needs a sipUri") }
        if let timeZone, TimeZone(identifier: timeZone) == nil { throw .invalid("unknown time zone '\(timeZone)'") }
        self.mode = mode
        self.phone = phone
        self.sipUri = sipUri
        self.consent = consent
        self.quietHours = quietHours
        self.timeZone = timeZone
    }

    /// Where a call to this shopper goes: the number for PSTN, the SIP URI for VoIP.
    public var destination: String? { mode == .pstn ? phone : sipUri }

    /// `+` then 8…15 digits, the first not zero (ITU-T E.164).
    static func isE164(_ text: String) -> Bool {
        let digits = text.dropFirst()
        return text.first == "+" && (8...15).contains(digits.count) && digits.first != "0"
            && digits.allSatisfy { $0.isASCII && $0.isNumber }
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
