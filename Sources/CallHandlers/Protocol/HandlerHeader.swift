/// The header a handler reads first: `name: value` lines ending with a blank line.
/// Values are sanitised on output: single-line, no control characters, at most
/// `maxValueBytes` bytes.
public struct HandlerHeader: Sendable, Equatable {
    /// How the customer is reached.
    public enum Mode: String, Sendable, Equatable {
        case pstn
        case voip
    }

    /// The protocol version this module speaks.
    public static let protocolVersion = 1
    /// Longest value written, in bytes; longer values are cut on a character boundary.
    public static let maxValueBytes = 256

    public var channel: Int
    public var callID: String
    public var mode: Mode
    /// The number or URI to dial for the customer leg.
    public var destination: String
    public var agent: String
    public var agentURI: String
    public var cartID: String
    /// Display text such as `123.45 EUR`.
    public var cartValue: String
    public var shopperName: String

    public init(channel: Int, callID: String, mode: Mode, destination: String, agent: String,
                agentURI: String, cartID: String, cartValue: String, shopperName: String) {
        self.channel = channel
        self.callID = callID
        self.mode = mode
        self.destination = destination
        self.agent = agent
        self.agentURI = agentURI
        self.cartID = cartID
        self.cartValue = cartValue
        self.shopperName = shopperName
    }

    /// The header's fields in protocol order, values sanitised.
    public var fields: [(name: String, value: String)] {
        [
            ("protocol", String(Self.protocolVersion)),
            ("channel", String(channel)),
            ("call-id", callID),
            ("mode", mode.rawValue),
            ("destination", destination),
            ("agent", agent),
            ("agent-uri", agentURI),
            ("cart-id", cartID),
            ("cart-value", cartValue),
            ("shopper-name", shopperName),
        ].map { ($0.0, ProtocolText.singleLine($0.1, maxBytes: Self.maxValueBytes)) }
    }

    /// The header as lines, the last one empty (each is sent followed by `\n`).
    public var lines: [String] {
        fields.map { "\($0.name): \($0.value)" } + [""]
    }
}
