import EventLog
import Foundation
import Testing

/// The rules for event types and stream names, decided by range for ASCII and by the
/// Unicode tables beyond it; the same answers as the rules say.
@Suite("Event type and stream name rules")
struct NameRulesTests {
    @Test(arguments: ["ItemAdded", "cart.item-added_2", "Käse", "Ωmega"])
    func eventTypesOfLettersDigitsAndSeparatorsAreAccepted(type: String) {
        #expect(NewEvent.isValidType(type))
    }

    @Test(arguments: ["", "bad type", "x!y", "a/b", "tab\there", "emoji🙂"])
    func otherEventTypesAreRefused(type: String) {
        #expect(!NewEvent.isValidType(type))
    }

    @Test(arguments: ["cart-1", "café-ü", "a:b/c"])
    func streamNamesWithoutWhitespaceOrControlsAreAccepted(name: String) throws {
        #expect(try StreamName(name).rawValue == name)
    }

    @Test(arguments: ["a b", "tab\there", "line\nbreak", "del\u{7F}", "nbsp\u{A0}x", "ideographic\u{3000}space"])
    func streamNamesWithWhitespaceOrControlsAreRefused(name: String) {
        #expect(throws: EventLogError.self) { try StreamName(name) }
    }
}
