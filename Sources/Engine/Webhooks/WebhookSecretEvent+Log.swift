import Domain
import EventLog

extension WebhookSecretEvent: LoggedEvent {
    public func encodedForLog() throws(EventLogError) -> EncodedEvent {
        switch self {
        case .added(let event): try EncodedEvent(event)
        case .removed(let event): try EncodedEvent(event)
        }
    }

    public init(recorded: RecordedEvent) throws(EngineError) {
        switch recorded.type {
        case WebhookSecretAdded.eventType: self = .added(try recorded.payload(WebhookSecretAdded.self))
        case WebhookSecretRemoved.eventType: self = .removed(try recorded.payload(WebhookSecretRemoved.self))
        default: throw recorded.unknownType()
        }
    }
}

/// A merchant's webhook secrets as the engine folds them.
public enum WebhookSecretsAggregate: Aggregate {
    public static var initialState: WebhookSecretsState { WebhookSecretsState() }
    public static func evolve(_ state: WebhookSecretsState, _ event: WebhookSecretEvent) -> WebhookSecretsState {
        WebhookSecrets.evolve(state, event)
    }
}

extension StreamName {
    /// A merchant's webhook secrets (sealed). Merchant ids are validated before they get here.
    public static func webhookSecrets(_ merchantId: String) throws(EventLogError) -> StreamName {
        try StreamName("webhooksecrets-\(merchantId)")
    }
}
