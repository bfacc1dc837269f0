/// The default click-to-call flow: reach the customer, greet, reach an agent, bridge, and
/// hang up when either side does — or when the shopper's credit for the call is spent.
struct CallFlow {
    static let ringTimeoutMilliseconds = 30_000

    var client: CommandClient

    mutating func run() throws(ClientError) {
        let customer = try client.send("DIAL customer \(Self.ringTimeoutMilliseconds)")
        guard customer.isAnswered else {
            _ = try client.send("HANGUP \(cause(customer, prefix: "customer"))")
            return
        }
        _ = try client.send("PLAY greeting")
        let agent = try client.send("DIAL agent \(Self.ringTimeoutMilliseconds)")
        guard agent.isAnswered else {
            _ = try client.send("PLAY no-agent")
            _ = try client.send("HANGUP no-agent")
            return
        }
        _ = try client.send("BRIDGE")
        let ending = try client.waitForEvent(prefixes: ["800 event=hangup", "800 event=credit-exhausted"])
        _ = try client.send(ending.hasPrefix("800 event=credit-exhausted") ? "HANGUP credit-exhausted" : "HANGUP")
    }

    /// A hangup cause from a failed DIAL: `customer-busy`, `customer-no-answer`…
    private func cause(_ reply: Reply, prefix: String) -> String {
        let word = (reply.result ?? "failed").unicodeScalars.filter {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_")
        }
        return "\(prefix)-\(word.isEmpty ? "failed" : String(String.UnicodeScalarView(word.prefix(40))))"
    }
}
