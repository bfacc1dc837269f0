import Crypto
import Engine
import Foundation

/// Named symmetric keys: the first encrypts, all decrypt, so a key can be rotated by
/// adding a new one in front and dropping the old one once its cookies have expired.
public struct KeyRing: Sendable {
    public let currentID: String
    let currentSecret: SecretKey
    let all: [String: SecretKey]

    /// `id:base64key,id:base64key`, newest first; each key 256 bits.
    public init(parsing text: String) throws(ConfigurationError) {
        var keys: [(String, SecretKey)] = []
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, KeyRing.isValidID(String(parts[0])) else {
                throw .invalid("key entries look like id:base64key (id: 1…16 letters or digits)")
            }
            keys.append((String(parts[0]), try SecretKey(base64: String(parts[1]), name: "key \(parts[0])")))
        }
        guard let first = keys.first else { throw .invalid("at least one key is needed") }
        self.currentID = first.0
        self.currentSecret = first.1
        self.all = Dictionary(keys, uniquingKeysWith: { first, _ in first })
    }

    public func key(id: String) -> SymmetricKey? { all[id]?.symmetric }

    public var currentKey: SymmetricKey { currentSecret.symmetric }

    static func isValidID(_ id: String) -> Bool {
        (1...16).contains(id.count) && id.unicodeScalars.allSatisfy { $0.isASCII && $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }
}

extension SecretKey {
    /// A 256-bit key from base64, or a configuration error naming the setting.
    init(base64: String, name: String) throws(ConfigurationError) {
        guard let key = SecretKey(base64: base64) else {
            throw .invalid("\(name) must be 32 bytes in base64 (openssl rand -base64 32)")
        }
        self = key
    }
}
