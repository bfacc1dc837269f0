/// One writer's append: events for one stream under one expected-version check.
public struct AppendRequest: Sendable {
    public let stream: StreamName
    public let events: [NewEvent]
    public let expected: ExpectedVersion

    public init(stream: StreamName, events: [NewEvent], expected: ExpectedVersion) {
        self.stream = stream
        self.events = events
        self.expected = expected
    }
}
