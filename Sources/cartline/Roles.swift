import Foundation
import ArgumentParser

/// Which parts of Cartline a process runs. Any mix works: the parts share nothing but
/// the log, so a telephony node can run on its own host.
struct Roles: Equatable {
    var web = false
    var engine = false
    var telephony = false

    /// The roles' names, as `/health` reports them.
    var names: Set<String> {
        Set([web ? "web" : nil, engine ? "engine" : nil, telephony ? "telephony" : nil].compactMap { $0 })
    }

    init(parsing text: String) throws {
        for word in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !word.isEmpty {
            switch word {
            case "web": web = true
            case "engine": engine = true
            case "telephony": telephony = true
            default: throw ValidationError("unknown role '\(word)'; roles are web, engine and telephony")
            }
        }
        guard web || engine || telephony else { throw ValidationError("name at least one role: web, engine, telephony") }
    }
}
