import Foundation

/// Where a command's output goes: standard output, or a file written beside its final name
/// and renamed into place when complete, so a reader never sees half a report.
final class OutputSink {
    /// Bytes gathered before a write to the file descriptor.
    static let bufferBytesMax = 64 * 1024

    private let handle: FileHandle
    private let partialPath: String?
    private let finalPath: String?
    private var buffer: [UInt8] = []

    private init(handle: FileHandle, partialPath: String?, finalPath: String?) {
        self.handle = handle
        self.partialPath = partialPath
        self.finalPath = finalPath
        buffer.reserveCapacity(Self.bufferBytesMax)
    }

    static func standardOutput() -> OutputSink {
        OutputSink(handle: .standardOutput, partialPath: nil, finalPath: nil)
    }

    init(path: String) throws(FinanceFailure) {
        let partial = path + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: nil) else {
            throw .output(path: path, reason: "cannot create \(partial) (does the folder exist and may it be written?)")
        }
        do { handle = try FileHandle(forWritingTo: URL(fileURLWithPath: partial)) } catch {
            throw .output(path: path, reason: error.localizedDescription)
        }
        partialPath = partial
        finalPath = path
        buffer.reserveCapacity(Self.bufferBytesMax)
    }

    func write(_ text: String) throws(FinanceFailure) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.bufferBytesMax { try flush() }
    }

    func flush() throws(FinanceFailure) {
        guard !buffer.isEmpty else { return }
        do { try handle.write(contentsOf: buffer) } catch { throw .output(path: finalPath ?? "standard output", reason: "\(error)") }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and, for a file, moves it into place.
    func finish() throws(FinanceFailure) {
        try flush()
        guard let partialPath, let finalPath else { return }
        do {
            try handle.close()
            if FileManager.default.fileExists(atPath: finalPath) { try FileManager.default.removeItem(atPath: finalPath) }
            try FileManager.default.moveItem(atPath: partialPath, toPath: finalPath)
        } catch {
            throw .output(path: finalPath, reason: "\(error)")
        }
    }

    /// Removes a half-written file after a failure.
    func abandon() {
        guard let partialPath else { return }
        try? handle.close()
        try? FileManager.default.removeItem(atPath: partialPath)
    }
}
