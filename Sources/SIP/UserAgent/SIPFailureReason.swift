/// The outcome classes a caller acts on.
public enum SIPFailureReason: String, Sendable {
    case busy, declined, noAnswer = "no-answer", notFound = "not-found", unavailable
    case authenticationFailed = "auth-failed", networkTimeout = "network-timeout", cancelled, rejected
    case badAnswer = "bad-answer"
}
