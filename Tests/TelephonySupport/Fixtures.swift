import Foundation

/// Paths of test fixtures under Tests/Fixtures, found from this file's location.
public enum Fixtures {
    /// Tests/Fixtures.
    public static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TelephonySupport
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("Fixtures")

    /// Tests/Fixtures/sipp/`name`.
    public static func sipp(_ name: String) -> URL {
        directory.appendingPathComponent("sipp").appendingPathComponent(name)
    }
}
