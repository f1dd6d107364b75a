import Foundation

/// Scratch directories for tests, under the system's temporary directory, named for what they
/// hold so a leftover one says which test made it.
public enum TemporaryDirectory {
    /// A new path `weft-LABEL-UUID`, not made yet (for what must make it itself, as a relay
    /// makes its data directory).
    public static func path(_ label: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("weft-\(label)-\(UUID())")
    }

    /// A new, empty directory `weft-LABEL-UUID`.
    public static func make(_ label: String) -> URL {
        let url = path(label)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `body` with a new directory and removes it after, whatever `body` does.
    public static func with<T>(_ label: String, _ body: (URL) async throws -> T) async rethrows -> T {
        let url = make(label)
        defer { try? FileManager.default.removeItem(at: url) }
        return try await body(url)
    }
}
