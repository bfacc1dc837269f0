import Foundation

/// One numbered SQL file from `Migrations/`, e.g. `0001_event_log.sql`.
public struct Migration: Sendable, Hashable {
    public let version: Int
    public let name: String
    public let sql: String
    /// As found on disk, e.g. `0001_event_log.sql`.
    public let fileName: String

    public init(version: Int, name: String, sql: String, fileName: String) {
        self.version = version
        self.name = name
        self.sql = sql
        self.fileName = fileName
    }

    /// Reads `NNNN_name.sql` files in version order. Other files are ignored; two files with
    /// one number, or a malformed name ending in `.sql`, are errors.
    public static func load(from directory: URL) throws(MigrationError) -> [Migration] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory.path) } catch {
            throw .directoryUnreadable(directory.path)
        }
        var migrations: [Int: Migration] = [:]
        for fileName in names where fileName.hasSuffix(".sql") {
            let stem = fileName.dropLast(4)
            let digits = stem.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let version = Int(digits), stem.dropFirst(digits.count).first == "_" else {
                throw .badFileName(fileName)
            }
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(fileName).path),
                  let sql = String(data: data, encoding: .utf8)
            else { throw .directoryUnreadable(fileName) }
            if let other = migrations[version] { throw .duplicateVersion(version, other.fileName, fileName) }
            migrations[version] = Migration(version: version, name: String(stem.dropFirst(digits.count + 1)), sql: sql, fileName: fileName)
        }
        return migrations.values.sorted { $0.version < $1.version }
    }
}
