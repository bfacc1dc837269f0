#if canImport(Glibc)
import Glibc
#endif

/// Reads `\n`-terminated lines from a descriptor, at most `maxLineBytes` each (longer lines are
/// cut there; the channel never sends them).
struct LineReader {
    static let maxLineBytes = 1024

    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var endOfInput = false

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// The next line without its newline, or nil at end of input (or on a read error).
    mutating func readLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[..<newline].prefix(Self.maxLineBytes)
                buffer.removeSubrange(...newline)
                return String(decoding: line, as: UTF8.self)
            }
            if endOfInput || buffer.count > Self.maxLineBytes * 4 {
                // Input ended mid-line (or a line is absurdly long): treat as end of input.
                return nil
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 {
                endOfInput = true
                continue
            }
            buffer.append(contentsOf: chunk[..<count])
        }
    }
}
