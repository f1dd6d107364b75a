import Foundation
import Testing
import WeftTestSupport

/// One CRDT conformance vector, as `Conformance/README.md` describes it: op batches delivered in
/// order to a replica (that may start from a snapshot), and what it must hold afterwards.
struct CRDTVector: Codable, Equatable, Sendable, CustomTestStringConvertible {
    var name: String
    var about: String
    /// Hex of a snapshot the replica starts from; none: an empty document.
    var start: String?
    /// Hex of the op batches, in the order delivered (repeats included).
    var deliver: [String]
    /// The visible text after each delivery that is not refused.
    var texts: [String]
    /// The visible text at the end; none when the vector ends with a refusal.
    var text: String?
    /// Hex of the canonical snapshot at the end; none when the vector ends with a refusal.
    var snapshot: String?
    /// What the replica must refuse: "snapshot" (the start snapshot), "op-batch" (the last
    /// delivery does not decode) or "op" (it decodes, and an op in it is malformed).
    var refuse: String?

    var testDescription: String { name }
}

/// A file of vectors.
struct CRDTVectorFile: Codable, Equatable {
    var format: String
    var about: String
    var vectors: [CRDTVector]

    static let formatName = "weft-crdt-vectors 1"
    /// Where the files live, from the repository root.
    static let folder = "Conformance/crdt"

    /// Every vector file in the repository, by file name.
    static func committed() throws -> [(name: String, file: CRDTVectorFile)] {
        let directory = DocumentedExample.repository.appendingPathComponent(folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { name in
            (name, try JSONDecoder().decode(CRDTVectorFile.self, from: Data(contentsOf: directory.appendingPathComponent(name))))
        }
    }

    /// The file's bytes as the generator writes them: stable key order, one line per field.
    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}

/// Hex as the vectors write it: two lowercase digits a byte, separated by spaces.
enum Hex {
    static func string(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
    }

    static func bytes(_ hex: String) -> [UInt8] {
        hex.split(separator: " ").map { UInt8($0, radix: 16)! }
    }
}
