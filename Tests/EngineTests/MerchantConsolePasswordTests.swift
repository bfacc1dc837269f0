import Engine
import Testing

/// Console passwords as stored: PBKDF2-SHA256, salted, never the password itself.
@Suite("Merchant console passwords: PBKDF2 hashes")
struct MerchantConsolePasswordTests {
    @Test func aHashVerifiesItsPasswordOnlyAndIsSaltedAnew() throws {
        let hasher = PasswordHasher()
        let first = try hasher.hash("correct horse battery")
        let second = try hasher.hash("correct horse battery")
        #expect(first.hasPrefix("pbkdf2-sha256$210000$") && first != second && !first.contains("correct"))
        #expect(hasher.verify("correct horse battery", against: first) && hasher.verify("correct horse battery", against: second))
        #expect(!hasher.verify("correct horse batterY", against: first))
    }

    @Test func malformedOrTamperedHashesMatchNothing() throws {
        let hasher = PasswordHasher()
        let stored = try hasher.hash("correct horse battery")
        let parts = stored.split(separator: "$").map(String.init)
        for bad in ["", "plain", "pbkdf2-sha256$1$AAAA$AAAA", "pbkdf2-sha256$99999999$\(parts[2])$\(parts[3])",
                    "pbkdf2-sha1$210000$\(parts[2])$\(parts[3])", "pbkdf2-sha256$210000$\(parts[2])$AAAA", String(repeating: "$", count: 400)] {
            #expect(!hasher.verify("correct horse battery", against: bad), "\(bad)")
        }
        // Fewer rounds than the floor are never used.
        #expect(PasswordHasher(rounds: 1).rounds == PasswordHasher.defaultRounds)
    }
}
