import Foundation

/// Scratch directories for tests, under the system's temporary directory, named for what they
/// hold so a leftover one says which test made it.
public enum TemporaryDirectory {
    /// A new, empty directory `weft-LABEL-UUID`.
    public static func make(_ label: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("weft-\(label)-\(UUID())")
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
