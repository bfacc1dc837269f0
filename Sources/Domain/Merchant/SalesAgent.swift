/// A person at the merchant who takes calls: on a SIP phone (`sipUri` is `sip:user@host`) or
/// in the agent console's browser page (`sipUri` is `browser`), through the same WebRTC
/// gateway as the shoppers who talk from the storefront.
public struct SalesAgent: Equatable, Sendable, Codable {
    public let name: String
    public let sipUri: String

    /// What `sipUri` holds for an agent who answers with the console's Answer button.
    public static let consoleAddress = "browser"

    public init(name: String, sipUri: String) throws(DomainError) {
        guard (1...100).contains(name.count) else { throw .invalid("agent name must be 1…100 characters") }
        guard sipUri == Self.consoleAddress || ContactPreferences.isSIPURI(sipUri) else {
            throw .invalid("agent sipUri must look like sip:user@host, or be '\(Self.consoleAddress)' for an agent who answers in the agent console")
        }
        self.name = name
        self.sipUri = sipUri
    }

    /// Whether the agent answers in the agent console rather than on a SIP phone.
    public var answersInConsole: Bool { sipUri == Self.consoleAddress }
}
