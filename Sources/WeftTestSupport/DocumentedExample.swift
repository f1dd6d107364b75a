import Foundation

/// Byte examples kept in the project's Markdown specifications (FORMAT.md, PROTOCOL.md), so tests
/// decode exactly what the documents show.
public enum DocumentedExample {
    /// The repository root (where Package.swift is).
    public static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The bytes of the block opened with "```hex NAME" in the document at `path` (from the
    /// repository root): space-separated hex.
    public static func bytes(_ name: String, in path: String) throws -> [UInt8] {
        let url = repository.appendingPathComponent(path)
        let text = try String(contentsOf: url, encoding: .utf8)
        guard let opening = text.range(of: "```hex \(name)\n"),
              let closing = text.range(of: "\n```", range: opening.upperBound..<text.endIndex)
        else { throw HarnessError("no example \(name) in \(path)") }
        return try text[opening.upperBound..<closing.lowerBound].split(whereSeparator: \.isWhitespace).map { digits in
            guard let byte = UInt8(digits, radix: 16) else { throw HarnessError("\(path) example \(name): \(digits) is not a hex byte") }
            return byte
        }
    }
}
