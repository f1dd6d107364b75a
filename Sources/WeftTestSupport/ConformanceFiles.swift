import Foundation

/// The JSON files of `Conformance/`: read, and written the way the generators write them (keys in
/// a stable order, one field a line), so a regenerated file differs only where a vector does.
public enum ConformanceFiles {
    /// Every `.json` file in `folder` (from the repository root), decoded, by file name.
    public static func read<File: Decodable>(_ type: File.Type, in folder: String) throws -> [(name: String, file: File)] {
        let directory = DocumentedExample.repository.appendingPathComponent(folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { name in
            (name, try JSONDecoder().decode(File.self, from: Data(contentsOf: directory.appendingPathComponent(name))))
        }
    }

    /// The bytes a generator writes for `file`.
    public static func encoded(_ file: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(file) + Data("\n".utf8)
    }

    /// Checks that `folder` holds exactly `generated`, byte for byte; with `WEFT_WRITE_VECTORS=1`
    /// in the environment, writes them first. Returns what differs, for a test to report.
    public static func compare(_ generated: [(name: String, bytes: Data)], in folder: String) throws -> [String] {
        let directory = DocumentedExample.repository.appendingPathComponent(folder)
        if ProcessInfo.processInfo.environment["WEFT_WRITE_VECTORS"] == "1" {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for (name, bytes) in generated { try bytes.write(to: directory.appendingPathComponent(name)) }
        }
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") })
        var problems = present.subtracting(generated.map(\.name)).sorted().map { "\(folder)/\($0) is not generated" }
        for (name, bytes) in generated where (try? Data(contentsOf: directory.appendingPathComponent(name))) != bytes {
            problems.append("\(folder)/\(name) differs from what the generator makes")
        }
        return problems
    }
}
