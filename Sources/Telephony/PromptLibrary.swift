import Foundation
import Media
import Synchronization

/// The node's prompts, loaded from `<directory>/<name>.wav` on first use and kept.
/// Names are checked by the handler protocol (letters, digits, `-`, `_`), so no name
/// leaves the folder.
final class PromptLibrary: Sendable {
    static let maxPrompts = 256

    let directory: URL
    private let loaded = Mutex<[String: Prompt]>([:])

    init(directory: URL) { self.directory = directory }

    func prompt(named name: String) -> Prompt? {
        if let cached = loaded.withLock({ $0[name] }) { return cached }
        guard name.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") }),
              let prompt = try? Prompt(contentsOfFile: directory.appendingPathComponent("\(name).wav").path) else { return nil }
        loaded.withLock { if $0.count < Self.maxPrompts { $0[name] = prompt } }
        return prompt
    }
}
