import Crypto
import Foundation

/// A one-time sign-in code as people read and type it: eight characters from an alphabet
/// without look-alikes (no I, O, 0, 1), shown as `ABCD-EFGH` — 40 random bits, which with
/// a few minutes' life and five wrong tries before the open codes are void leaves a guess
/// no real chance. Typed codes are normalised (case, spaces, dashes) before hashing.
public struct SignInCode: Sendable, Equatable, CustomStringConvertible {
    static let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    static let length = 8
    /// Longest text accepted as a typed code before normalising.
    public static let maxTypedCharacters = 32

    /// The normalised characters, without the dash.
    public let characters: String

    /// A fresh random code (the system's cryptographic generator).
    public static func random() -> SignInCode {
        var generator = SystemRandomNumberGenerator()
        return SignInCode(characters: String((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] }))
    }

    private init(characters: String) { self.characters = characters }

    /// The code a person typed, or nil when it cannot be one (wrong length or letters).
    public init?(typed: String) {
        guard typed.count <= Self.maxTypedCharacters else { return nil }
        let kept = typed.uppercased().filter { $0 != "-" && $0 != " " }
        guard kept.count == Self.length, kept.allSatisfy(Self.alphabet.contains) else { return nil }
        self.characters = kept
    }

    public var description: String { "\(characters.prefix(4))-\(characters.dropFirst(4))" }

    /// HMAC-SHA256 under `key`, bound to the agent, base64url: what the log stores.
    func hash(merchantId: String, agentName: String, key: SymmetricKey) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(merchantId)\n\(agentName)\n\(characters)".utf8), using: key)
        var text = Data(mac).base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return text
    }
}
