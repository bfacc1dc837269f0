// libFuzzer target for `HandlerCommandParser` (compiled with Sources/CallHandlers/Protocol by
// Tools/fuzz/run).
//
// The bytes become a line as the handler process reader makes them (invalid UTF-8 replaced).
// Invariant: an accepted command, written back with `HandlerCommand.line`, parses to itself.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let command: HandlerCommand
    do { command = try HandlerCommandParser.parse(line) } catch { return 0 }

    do {
        let again = try HandlerCommandParser.parse(command.line)
        guard again == command else {
            fuzzInvariantFailed("\(command) is written as '\(command.line)', which reads back as \(again)")
        }
    } catch {
        fuzzInvariantFailed("\(command) is written as '\(command.line)', which does not parse: \(error)")
    }
    return 0
}

/// Reports a broken invariant as a crash, so libFuzzer saves the input as a reproducer.
func fuzzInvariantFailed(_ what: String) -> Never {
    fatalError("FUZZ INVARIANT BROKEN: \(what)")
}
