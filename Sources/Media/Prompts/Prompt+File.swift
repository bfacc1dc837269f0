#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Prompt {
    /// Loads a prompt file: `.wav` (see ``init(wav:)``) or `.ul` (raw μ-law), at most ``maxByteCount`` bytes.
    public init(contentsOfFile path: String) throws(PromptError) {
        let lowered = path.lowercased()
        let isWAV = lowered.hasSuffix(".wav")
        guard isWAV || lowered.hasSuffix(".ul") || lowered.hasSuffix(".ulaw") else {
            throw .unsupportedFileType(path)
        }
        // A WAV header is allowed on top of the audio limit.
        let bytes = try Self.readFile(path, maxByteCount: Self.maxByteCount + (isWAV ? 4096 : 0))
        if isWAV {
            try self.init(wav: bytes)
        } else {
            self.init(muLaw: bytes)
        }
    }

    /// Reads a whole file with plain POSIX calls, refusing files over `maxByteCount`.
    private static func readFile(_ path: String, maxByteCount: Int) throws(PromptError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { return bytes }
            guard bytes.count + count <= maxByteCount else {
                throw .tooLarge(byteCount: bytes.count + count, maxByteCount: maxByteCount)
            }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }
}
