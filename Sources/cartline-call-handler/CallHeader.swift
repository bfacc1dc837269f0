/// The call header: `name: value` lines up to the first blank line.
struct CallHeader {
    /// Headers beyond this count are ignored (the channel sends about ten).
    static let maxFields = 64

    var fields: [String: String] = [:]

    subscript(name: String) -> String? { fields[name] }

    /// Reads the header; nil if input ends before the blank line.
    static func read(from reader: inout LineReader) -> CallHeader? {
        var header = CallHeader()
        var count = 0
        while let line = reader.readLine() {
            if line.isEmpty || line == "\r" { return header }
            count += 1
            guard count <= maxFields, let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            header.fields[name] = String(value)
        }
        return nil
    }
}
