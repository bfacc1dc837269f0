/// A CSeq value: sequence number and method (RFC 3261 §20.16).
public struct SIPCSeq: Sendable, Hashable, CustomStringConvertible {
    public var number: UInt32
    public var method: String

    public init(number: UInt32, method: String) {
        self.number = number
        self.method = method
    }

    public init(parsing text: String) throws(SIPSyntaxError) {
        let parts = ASCII.trim(text).split(whereSeparator: { $0 == " " || $0 == "\t" })
        // The number must be below 2^31 (RFC 3261 §8.1.1.5).
        guard parts.count == 2, let number = ASCII.decimal(parts[0], max: Int(Int32.max)), ASCII.isToken(parts[1]) else {
            throw .invalidCSeq(text)
        }
        self.number = UInt32(number)
        self.method = String(parts[1])
    }

    public var description: String { "\(number) \(method)" }
}
