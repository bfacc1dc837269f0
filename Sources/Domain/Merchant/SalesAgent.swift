/// A person at the merchant who takes calls, reached at a SIP URI.
public struct SalesAgent: Equatable, Sendable, Codable {
    public let name: String
    public let sipUri: String

    public init(name: String, sipUri: String) throws(DomainError) {
        guard (1...100).contains(name.count) else { throw .invalid("agent name must be 1…100 characters") }
        guard ContactPreferences.isSIPURI(sipUri) else { throw .invalid("agent sipUri must look like sip:user@host") }
        self.name = name
        self.sipUri = sipUri
    }
}
